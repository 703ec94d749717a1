import CFFmpeg
import Foundation

/// Validates a timeline against its media and turns it into a `RenderPlan`. Every
/// problem is collected, with its field path, before any work starts.
public enum TimelinePlanner {
    public static let maxOutputDimension = 4096
    /// Smaller frames leave nothing to scale a clip into.
    public static let minOutputDimension = 16
    public static let maxFrameRate = 120.0
    /// Any time in a timeline (in, out, start, fades, transitions) and the output's length: 24 h.
    public static let maxSeconds = 24 * 3600.0
    public static let loudnessRange = -70.0 ... -5.0
    static let x264Presets = TimelineLimits.presets

    /// - Parameters:
    ///   - resolve: turns a clip or song `source` into a local path (an asset id or a path); throws a
    ///     `MediaError` whose message explains what is wrong with the source.
    ///   - outputPath: decides the container when the timeline does not.
    ///   - probe: reads a resolved source's streams (a server passes the probe it stored on upload).
    ///   - readCaptions: reads a resolved caption file (see `placeCaptions`).
    public static func plan(
        _ timeline: Timeline, outputPath: String? = nil, limits: TimelineLimits = .media,
        resolve: (String) throws(MediaError) -> String = { $0 },
        probe: (String) throws(MediaError) -> MediaInfo = MediaProbe.probe,
        readCaptions: (String) throws(MediaError) -> [CaptionCue]? = { path throws(MediaError) in try CaptionFile.read(path) }
    ) throws(MediaError) -> RenderPlan {
        // Beat sync plans twice: each file is probed once (one without a stated duration is read whole).
        var probes: [String: MediaInfo] = [:]
        func probeOnce(_ path: String) throws(MediaError) -> MediaInfo {
            if let known = probes[path] { return known }
            let info = try probe(path)
            probes[path] = info
            return info
        }
        let plan = try validatedPlan(
            timeline, outputPath: outputPath, limits: limits, resolve: resolve, probe: probeOnce, readCaptions: readCaptions)
        guard let sync = timeline.beatSync, sync.mode != .off, let song = plan.soundtrack?.path else { return plan }
        // Snap the joins to the song's grid, then plan the adjusted timeline.
        let analysis = try BeatTracker.analyze(song)
        let adjusted = BeatSyncAdjuster.adjust(timeline, mediaEnds: plan.clips.map(\.mediaEnd), frameRate: plan.frameRate.value, analysis: analysis)
        var synced = adjusted.timeline
        synced.beatSync = nil
        var syncedPlan = try validatedPlan(
            synced, outputPath: outputPath, limits: limits, resolve: resolve, probe: probeOnce, readCaptions: readCaptions,
            overlaysChecked: true)
        syncedPlan.beatGrid = adjusted.grid.filter { $0 <= syncedPlan.duration + 1e-9 }
        return syncedPlan
    }

    /// Checks the timeline against its media without analysing the song for `beat_sync`:
    /// what a server does before it accepts a render. Throws `MediaError.invalid` with every problem.
    /// `limits` bound the work (a server passes its callers' limits).
    public static func validate(
        _ timeline: Timeline, outputPath: String? = nil, limits: TimelineLimits = .media,
        resolve: (String) throws(MediaError) -> String,
        probe: (String) throws(MediaError) -> MediaInfo,
        readCaptions: (String) throws(MediaError) -> [CaptionCue]? = { path throws(MediaError) in try CaptionFile.read(path) }
    ) throws(MediaError) {
        _ = try validatedPlan(timeline, outputPath: outputPath, limits: limits, resolve: resolve, probe: probe, readCaptions: readCaptions)
    }

    /// A clip that passed its checks: where its media is and the part of it that is used.
    private struct ProbedClip {
        let path: String
        let info: MediaInfo
        let video: VideoStreamInfo
        let mediaEnd: Double
        let start: Double
        let end: Double
        let still: RenderPlan.StillPlan?
    }

    /// `overlaysChecked`: the overlays were checked against the timeline before beat sync
    /// moved its joins; an overlay past a clip (or the video) that sync shortened is cut at its end.
    private static func validatedPlan(
        _ timeline: Timeline, outputPath: String?, limits: TimelineLimits,
        resolve: (String) throws(MediaError) -> String,
        probe: (String) throws(MediaError) -> MediaInfo, readCaptions: (String) throws(MediaError) -> [CaptionCue]?,
        overlaysChecked: Bool = false
    ) throws(MediaError) -> RenderPlan {
        // Numbers first: nothing below does arithmetic on a number out of its range.
        var problems = numberProblems(timeline, limits: limits)
        func problem(_ field: String, _ message: String) { problems.append(FieldProblem(field, message)) }

        if timeline.clips.isEmpty { problem("clips", "give at least one clip") }
        // Too many clips: refused before a single one is resolved or probed.
        if timeline.clips.count > limits.maxClips { throw MediaError.invalid(problems) }

        // Clips: resolve, probe, and check trims against the media.
        var probed: [ProbedClip?] = []
        for (index, clip) in timeline.clips.enumerated() {
            let field = "clips[\(index)]"
            // Reported by numberProblems; such a clip is not measured against its media.
            var valid =
                clip.in.isFinite && clip.in >= 0 && clip.in <= maxSeconds
                && clip.out.map { $0.isFinite && $0 > clip.in && $0 <= maxSeconds } ?? true
            do throws(MediaError) {
                let path = try resolve(clip.source)
                let info = try probe(path)
                let video = try info.requireVideo()
                var still: RenderPlan.StillPlan?
                if info.isStillImage {
                    // A still's media is its `duration` of the picture in motion; in/out trim that.
                    guard let duration = clip.duration else {
                        problem("\(field).duration", "is required for a still image: the seconds it stays on screen")
                        probed.append(nil)
                        continue
                    }
                    guard duration.isFinite, duration > 0, duration <= min(maxSeconds, limits.maxOutputSeconds) else {
                        probed.append(nil)  // reported by numberProblems
                        continue
                    }
                    still = .init(
                        duration: duration, motion: clip.motion ?? .none, strength: clip.motionStrength ?? Clip.defaultMotionStrength)
                } else {
                    if clip.duration != nil {
                        problem("\(field).duration", "is for still images; trim a video with in and out")
                        valid = false
                    }
                    if clip.motion.map({ $0 != .none }) ?? false {
                        problem("\(field).motion", "is for still images (PNG, JPEG, WebP); this source is a video")
                        valid = false
                    }
                    if clip.motionStrength != nil {
                        problem("\(field).motion_strength", "is for still images (PNG, JPEG, WebP); this source is a video")
                        valid = false
                    }
                }
                guard let mediaEnd = still?.duration ?? video.duration ?? info.duration else {
                    throw MediaError(
                        .unsupported,
                        "\(path) states no duration and has no timestamps (a raw stream?); "
                            + "put it in a container first, e.g. ffmpeg -i clip.h264 -c copy clip.mp4", path: path)
                }
                if valid, clip.in >= mediaEnd {
                    problem("\(field).in", "\(clip.in) s is at or past the end of the media (\(format(mediaEnd)) s)")
                    valid = false
                }
                if valid, let out = clip.out, out > mediaEnd + 0.05 {
                    problem(
                        "\(field).out",
                        "\(out) s is past the end of the media (\(format(mediaEnd)) s); use at most \(format(mediaEnd)) or leave it out")
                    valid = false
                }
                probed.append(
                    valid
                        ? ProbedClip(
                            path: path, info: info, video: video, mediaEnd: mediaEnd, start: clip.in,
                            end: min(clip.out ?? mediaEnd, mediaEnd), still: still) : nil)
            } catch {
                problem("\(field).source", error.description)
                probed.append(nil)
            }
        }

        // Output format.
        let output = timeline.output
        let container = output.container ?? (outputPath.flatMap { try? ContainerFormat(forPath: $0) }) ?? .mp4
        if let outputPath, let fromPath = try? ContainerFormat(forPath: outputPath), fromPath != container {
            problem("output.container", "is \(container.rawValue) but the output file ends in .\(fromPath.rawValue); make them agree")
        }
        let audioCodec = output.audioCodec ?? container.defaultAudioCodec
        let videoCodec = output.videoCodec ?? container.defaultVideoCodec
        if !container.allows(videoCodec) {
            problem("output.video_codec", "\(videoCodec.displayName) cannot go in \(container.rawValue); use vp9, or mp4/mkv/mov")
        }
        if !container.allows(audioCodec) {
            problem("output.audio_codec", "\(audioCodec.rawValue) cannot go in \(container.rawValue); use opus")
        }
        let first = probed.first.flatMap { $0 }
        let (width, height) = outputSize(output, first: first?.video)
        if (output.width == nil) != (output.height == nil) {
            problem(output.width == nil ? "output.width" : "output.height", "give both width and height, or neither")
        }
        // A still has no frame rate of its own (image demuxers say 25): 30.
        let fpsValue = output.fps ?? first.flatMap { $0.still == nil ? defaultFrameRate($0.video) : 30 } ?? 30
        let frameRate = output.fps == nil || frameRateRange.contains(fpsValue) ? FrameRate(fpsValue) : nil
        // Explicit settings were checked with the numbers; this catches sizes and rates taken from the first clip.
        if output.width == nil || output.height == nil || output.fps == nil {
            problems += pixelRateProblems(width: width, height: height, fps: fpsValue, limits: limits, field: "output")
        }
        if videoCodec != .vp9, !x264Presets.contains(output.preset) {
            problem("output.preset", "unknown preset '\(output.preset)'; use one of \(x264Presets.joined(separator: ", "))")
        }
        if !isColor(output.background) {
            problem("output.background", "'\(output.background)' is not a colour; use #RRGGBB or a name such as black")
        }

        // Transitions.
        let joinCount = max(0, timeline.clips.count - 1)
        if let transitions = timeline.transitions, transitions.count != joinCount {
            problem("transitions", "\(transitions.count) given for \(joinCount) joins; give one per join, or use transition")
        }
        let rate = frameRate ?? FrameRate(30, 1)
        var joins: [RenderPlan.JoinPlan] = []
        for index in 0..<joinCount {
            let transition = timeline.transition(atJoin: index)
            let field =
                timeline.transitions != nil && index < (timeline.transitions?.count ?? 0)
                ? "transitions[\(index)]" : "transition"
            if !Transition.validTypes.contains(transition.type) {
                problem("\(field).type", "unknown transition '\(transition.type)'; valid: \(Transition.validTypes.joined(separator: ", "))")
            }
            // A duration out of range was reported with the numbers; it counts as a cut here.
            let frames = transition.isCut ? 0 : max(0, CheckedConversion.count(seconds: transition.duration, rate: rate.value) ?? 0)
            if let left = probed[index], let right = probed[index + 1],
                let leftFrames = usedFrames(left.end - left.start, rate), let rightFrames = usedFrames(right.end - right.start, rate)
            {
                // Checked in whole frames, as rendered: each clip must hold both of its transitions.
                let shorter = min(leftFrames, rightFrames)
                if frames > shorter / 2 {
                    let limit = Double(shorter / 2) / rate.value
                    problem(
                        "\(field).duration",
                        "\(transition.duration) s is longer than half of a neighbouring clip (\(format(Double(shorter) / rate.value)) s); use at most \(format(limit))"
                    )
                }
            }
            joins.append(.init(transition: frames == 0 ? "cut" : transition.type, frames: frames))
        }

        // Soundtrack.
        var soundtrack: RenderPlan.SoundtrackPlan?
        if let audio = timeline.audio {
            soundtrack = checkSoundtrack(audio, resolve: resolve, probe: probe, problem: problem)
        }

        var voiceover: RenderPlan.VoiceOverPlan?
        if let voice = timeline.voiceover {
            voiceover = checkVoiceOver(voice, resolve: resolve, probe: probe, problem: problem)
        }

        if let sync = timeline.beatSync, sync.mode != .off, timeline.audio?.source == nil {
            problem("beat_sync", "needs a song: set audio.source")
        }

        // The output's length, in seconds before any frame count is made from it.
        let used = probed.reduce(0.0) { total, clip in total + (clip.map { $0.end - $0.start } ?? 0) }
        let joined = joins.reduce(0.0) { total, join in total + Double(join.frames) / rate.value }
        let overlaps = timeline.timing == .overlap ? joined : 0
        // Checked before beat sync moves the joins; a voice past a shortened end is cut there.
        if !overlaysChecked, let voice = timeline.voiceover, problems.isEmpty,
            let late = voiceOverStartProblem(voice, duration: used - overlaps)
        {
            problems.append(late)
        }
        if used - overlaps > limits.maxOutputSeconds {
            problem(
                "clips",
                "the output would be \(format(used - overlaps)) s long, more than the limit of \(number(limits.maxOutputSeconds)) s; "
                    + "trim the clips (in/out) or render in parts")
        }

        // A probe stopped by a cancel is not a problem of the timeline.
        if CurrentCancellation.flag?.isCancelled == true { throw MediaError.cancelled(outputPath) }
        guard problems.isEmpty, let frameRate else { throw MediaError.invalid(problems) }
        let clips = try layOut(probed.compactMap { $0 }, timeline: timeline, joins: joins, frameRate: frameRate)
        var plan = RenderPlan(
            width: width, height: height, frameRate: frameRate, fit: output.fit,
            background: output.background, videoCodec: videoCodec, audioCodec: audioCodec,
            container: container, crf: output.crf, preset: output.preset, audioBitrate: output.audioBitrate,
            timing: timeline.timing, clips: clips, joins: joins, soundtrack: soundtrack)
        plan.voiceover = voiceover
        if let outputs = timeline.outputs, !outputs.isEmpty {
            let (extras, extraProblems) = planExtraOutputs(
                outputs, duration: plan.duration, width: width, height: height, firstClip: clips.first, frameRate: frameRate)
            if !extraProblems.isEmpty { throw MediaError.invalid(extraProblems) }
            plan.extras = extras
        }
        plan.overlays = try placeOverlays(
            timeline, clips: clips, duration: plan.duration, frameRate: frameRate, height: height, clamping: overlaysChecked)
        plan.captions = try placeCaptions(
            timeline.captions, duration: plan.duration, height: height, resolve: resolve, readCaptions: readCaptions)
        return plan
    }

    /// Every overlay in output seconds, each checked against the length of what it is on:
    /// the video, or its clip (whose time zero is the clip's first output frame).
    private static func placeOverlays(
        _ timeline: Timeline, clips: [RenderPlan.ClipPlan], duration: Double, frameRate: FrameRate, height: Int,
        clamping: Bool
    ) throws(MediaError) -> [RenderPlan.OverlayPlan] {
        var placed: [RenderPlan.OverlayPlan] = []
        var problems: [FieldProblem] = []
        let tolerance = 0.5 / frameRate.value
        func place(_ overlays: [TextOverlay]?, path: String, offset: Double, length: Double, what: String) {
            for (index, overlay) in (overlays ?? []).enumerated() {
                let field = "\(path)[\(index)]"
                var end = overlay.end ?? length
                if clamping {
                    guard overlay.start < length else { continue }
                    end = min(end, length)
                }
                if overlay.start >= length {
                    problems.append(FieldProblem("\(field).start", "\(overlay.start) s is at or past the end of \(what) (\(format(length)) s)"))
                    continue
                }
                if end > length + tolerance {
                    problems.append(
                        FieldProblem(
                            "\(field).end", "\(end) s is past the end of \(what) (\(format(length)) s); use at most \(format(length)) or leave it out"
                        ))
                    continue
                }
                if !clamping, overlay.end == nil, overlay.fade * 2 > end - overlay.start + 1e-9 {
                    problems.append(
                        FieldProblem(
                            "\(field).fade", "\(overlay.fade) s fades in and out, longer than half the overlay's \(format(end - overlay.start)) s"))
                    continue
                }
                placed.append(
                    .init(
                        text: overlay.text, start: offset + overlay.start, end: offset + min(end, length), position: overlay.position,
                        size: overlay.size ?? max(8, height / 20), color: overlay.color, box: overlay.box, fade: overlay.fade))
            }
        }
        place(timeline.overlays, path: "overlays", offset: 0, length: duration, what: "the video")
        for clip in clips {
            place(
                timeline.clips[clip.index].overlays, path: "clips[\(clip.index)].overlays", offset: Double(clip.startFrame) / frameRate.value,
                length: Double(clip.frames) / frameRate.value, what: "the clip")
        }
        if !problems.isEmpty { throw MediaError.invalid(problems) }
        return placed
    }

    /// Frame counts and positions. In preserve mode each clip reaches half a transition
    /// beyond its cut on each side: into its media when there is some, else a frozen frame.
    private static func layOut(
        _ probed: [ProbedClip],
        timeline: Timeline, joins: [RenderPlan.JoinPlan], frameRate: FrameRate
    ) throws(MediaError) -> [RenderPlan.ClipPlan] {
        var clips: [RenderPlan.ClipPlan] = []
        var startFrame: Int64 = 0
        for (index, clip) in probed.enumerated() {
            var head: Int64 = 0
            var tail: Int64 = 0
            if timeline.timing == .preserve {
                if index > 0 { head = joins[index - 1].frames / 2 }
                if index < joins.count { tail = joins[index].frames - joins[index].frames / 2 }
            }
            let readStart = max(0, clip.start - Double(head) / frameRate.value)
            guard let used = usedFrames(clip.end - clip.start, frameRate),
                let headFromMedia = CheckedConversion.count(seconds: clip.start - readStart, rate: frameRate.value)
            else {
                throw MediaError.invalid([FieldProblem("clips[\(index)]", "its length in frames is out of range; trim it with in/out")])
            }
            let frames = head + used + tail
            var planned = RenderPlan.ClipPlan(
                index: index, path: clip.path, info: clip.info, video: clip.video, mediaEnd: clip.mediaEnd,
                readStart: readStart, readEnd: min(clip.mediaEnd, clip.end + Double(tail) / frameRate.value),
                frozenHeadFrames: head - headFromMedia, frames: frames, startFrame: startFrame,
                volume: timeline.clips[index].volume)
            planned.still = clip.still
            clips.append(planned)
            startFrame += frames - (index < joins.count ? joins[index].frames : 0)
        }
        return clips
    }

    /// The frames a clip of `seconds` contributes at `rate` (at least one); nil when out of range.
    static func usedFrames(_ seconds: Double, _ rate: FrameRate) -> Int64? {
        CheckedConversion.count(seconds: seconds, rate: rate.value).map { max(1, $0) }
    }

    private static func checkSoundtrack(
        _ audio: Soundtrack, resolve: (String) throws(MediaError) -> String,
        probe: (String) throws(MediaError) -> MediaInfo,
        problem: (String, String) -> Void
    ) -> RenderPlan.SoundtrackPlan {
        // Its numbers were checked by numberProblems.
        guard let source = audio.source else { return .init(path: nil, info: nil, settings: audio) }
        do throws(MediaError) {
            let path = try resolve(source)
            let info = try probe(path)
            _ = try info.requireAudio()
            if let duration = info.duration, audio.start >= duration {
                problem("audio.start", "\(audio.start) s is past the end of the song (\(format(duration)) s)")
            }
            return .init(path: path, info: info, settings: audio)
        } catch {
            problem("audio.source", error.description)
            return .init(path: nil, info: nil, settings: audio)
        }
    }

    /// The first clip's display size, fitted within the limit and made even.
    private static func outputSize(_ output: OutputSettings, first: VideoStreamInfo?) -> (Int, Int) {
        if output.width != nil || output.height != nil {
            return (output.width ?? output.height ?? 0, output.height ?? output.width ?? 0)
        }
        guard let first else { return (1280, 720) }
        var width = Double(max(2, first.displayWidth))
        var height = Double(max(2, first.displayHeight))
        let scale = min(1, Double(maxOutputDimension) / max(width, height))
        width *= scale
        height *= scale
        return (max(minOutputDimension, Int(width / 2) * 2), max(minOutputDimension, Int(height / 2) * 2))
    }

    /// The first clip's frame rate; a variable or absurd one falls back to 30.
    private static func defaultFrameRate(_ video: VideoStreamInfo) -> Double? {
        let fps = video.vfr ? (video.avgFps ?? 30).rounded() : (video.fps ?? video.avgFps)
        guard let fps, fps > 0, fps <= maxFrameRate else { return 30 }
        return fps
    }

    static func isColor(_ text: String) -> Bool {
        var rgba: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &rgba) { bytes in
            av_parse_color(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), text, -1, nil) >= 0
        }
    }

    static func format(_ seconds: Double) -> String { String(format: "%.3g", seconds) }
}
