import CFFmpeg
import Foundation

/// The checks of `outputs`: numbers first (no media needed), then each file placed in the
/// finished video (times within it, sizes from its frame), with defaults filled in.
extension TimelinePlanner {
    public static let posterWidthRange = 16...4096
    public static let spriteIntervalRange = 0.1...3600.0
    public static let spriteColumnsRange = 1...50
    public static let spriteTileWidthRange = 16...640
    public static let maxSpriteTiles = 1000
    /// Either side of the sprite sheet (one picture, held whole while it is filled).
    public static let maxSpriteSide = 16_384
    public static let previewMaxSeconds = 6.0
    public static let previewWidthRange = 16...320
    public static let previewFPSRange = 1...15
    public static let mp3BitrateRange = 32_000...320_000
    /// The MP3 encoder; Debian's FFmpeg has it, a build without it refuses `outputs.mp3`.
    static let mp3EncoderName = "libmp3lame"

    static func extraOutputProblems(_ outputs: ExtraOutputs) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        func problem(_ field: String, _ message: String) { problems.append(FieldProblem("outputs.\(field)", message)) }
        func seconds(_ field: String, _ value: Double?, _ range: ClosedRange<Double>) {
            if let value, !range.contains(value) {
                problem(field, "must be \(number(range.lowerBound))…\(number(range.upperBound)) seconds (got \(value))")
            }
        }
        func whole(_ field: String, _ value: Int?, _ range: ClosedRange<Int>, _ unit: String = "") {
            if let value, !range.contains(value) { problem(field, "must be \(range.lowerBound)…\(range.upperBound)\(unit) (got \(value))") }
        }
        if let poster = outputs.poster {
            seconds("poster.time", poster.time, 0...maxSeconds)
            whole("poster.width", poster.width, posterWidthRange, " pixels")
        }
        if let sprite = outputs.sprite {
            seconds("sprite.interval", sprite.interval, spriteIntervalRange)
            whole("sprite.columns", sprite.columns, spriteColumnsRange)
            whole("sprite.width", sprite.width, spriteTileWidthRange, " pixels")
        }
        if let preview = outputs.preview {
            seconds("preview.start", preview.start, 0...maxSeconds)
            seconds("preview.duration", preview.duration, 0.1...previewMaxSeconds)
            whole("preview.width", preview.width, previewWidthRange, " pixels")
            whole("preview.fps", preview.fps, previewFPSRange, " frames per second")
        }
        if let mp3 = outputs.mp3 {
            whole("mp3.bitrate", mp3.bitrate, mp3BitrateRange, " bits per second")
            if avcodec_find_encoder_by_name(mp3EncoderName) == nil {
                problem(
                    "mp3",
                    "this server's FFmpeg has no MP3 encoder (\(mp3EncoderName)); leave outputs.mp3 out, or install an FFmpeg built with libmp3lame")
            }
        }
        return problems
    }

    /// Each extra file placed in the planned video; problems name the field and what to do.
    static func planExtraOutputs(
        _ outputs: ExtraOutputs, duration: Double, width: Int, height: Int, firstClip: RenderPlan.ClipPlan?, frameRate: FrameRate
    ) -> (RenderPlan.ExtraOutputsPlan?, [FieldProblem]) {
        var problems: [FieldProblem] = []
        func problem(_ field: String, _ message: String) { problems.append(FieldProblem("outputs.\(field)", message)) }
        // The last frame starts a frame before the end: a picture is taken no later.
        let lastFrame = max(0, duration - 1 / frameRate.value)
        var plan = RenderPlan.ExtraOutputsPlan()
        if let poster = outputs.poster {
            let firstMiddle = firstClip.map { Double($0.startFrame) / frameRate.value + Double($0.frames) / frameRate.value / 2 } ?? 0
            let time = poster.time ?? min(firstMiddle, lastFrame)
            if time > lastFrame + 1e-9 {
                problem("poster.time", "\(time) s is past the video's last frame (\(format(lastFrame)) s); pick an earlier time or leave it out")
            } else {
                let size = scaled(width: poster.width ?? width, from: (width, height))
                plan.poster = .init(format: poster.format, time: time, width: size.0, height: size.1)
            }
        }
        if let sprite = outputs.sprite {
            let interval = sprite.interval ?? max(1, (duration / 100).rounded(.up))
            let count = max(1, Int((duration / interval).rounded(.up)))
            let tile = scaled(width: sprite.width, from: (width, height))
            let columns = min(sprite.columns, count)
            let rows = (count + columns - 1) / columns
            if count > maxSpriteTiles {
                problem(
                    "sprite.interval",
                    "\(interval) s gives \(count) thumbnails, more than \(maxSpriteTiles); use at least \(format(duration / Double(maxSpriteTiles))) s"
                )
            } else if columns * tile.0 > maxSpriteSide || rows * tile.1 > maxSpriteSide {
                problem(
                    "sprite",
                    "a sheet of \(columns)x\(rows) tiles of \(tile.0)x\(tile.1) is larger than \(maxSpriteSide) pixels a side; use a longer interval, fewer columns or a smaller width"
                )
            } else {
                plan.sprite = .init(
                    interval: interval, count: count, columns: columns, tileWidth: tile.0, tileHeight: tile.1, duration: duration)
            }
        }
        if let preview = outputs.preview {
            if preview.start.isFinite, preview.start >= lastFrame + 1e-9, preview.start > 0 {
                problem("preview.start", "\(preview.start) s is at or past the end of the video (\(format(duration)) s)")
            } else {
                let available = duration - preview.start
                let length = preview.duration ?? min(3, available)
                if length > available + 1e-9 {
                    problem(
                        "preview.duration",
                        "\(length) s from \(preview.start) s runs past the end of the video (\(format(duration)) s); use at most \(format(available))"
                    )
                } else {
                    let size = scaled(width: preview.width, from: (width, height))
                    plan.preview = .init(
                        format: preview.format, start: preview.start, duration: length, width: size.0, height: size.1, fps: preview.fps)
                }
            }
        }
        if let mp3 = outputs.mp3 { plan.mp3 = .init(bitrate: mp3.bitrate) }
        return (problems.isEmpty ? plan : nil, problems)
    }

    /// `width` made even and a height that keeps the frame's aspect, even, at least 2.
    static func scaled(width: Int, from frame: (Int, Int)) -> (Int, Int) {
        let even = max(2, width / 2 * 2)
        let height = Double(even) * Double(frame.1) / Double(max(1, frame.0))
        return (even, max(2, Int((height / 2).rounded()) * 2))
    }
}
