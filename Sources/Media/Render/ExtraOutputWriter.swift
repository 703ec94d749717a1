import CFFmpeg
import Foundation

/// Makes the extra files of a render (`outputs`) from the finished video, decoding no
/// more of it than each needs: the poster seeks to the keyframe before its time and
/// decodes forward to it; the sprite decodes the video once, taking a tile at each
/// interval; the preview decodes its few seconds; the mp3 decodes the audio stream only. Each file is written under a temporary name and
/// renamed; if any fails, those already made are removed (all or none).
public enum ExtraOutputWriter {
    /// JPEG quality as a fixed quantizer (2 best … 31 worst), in FFmpeg's lambda units.
    static let jpegQuality = 3 * 118

    /// Writes every file of `extras` beside `stem` (the video's path without extension).
    /// `spriteLink`: how the WebVTT index names the sprite sheet (default: its file name,
    /// which is right beside it; a server passes the name its route serves it under).
    public static func write(
        _ extras: RenderPlan.ExtraOutputsPlan, from video: String, stem: String, spriteLink: String? = nil,
        cancellation: CancellationFlag? = nil
    ) throws(MediaError) -> [ExtraFile] {
        FFmpegLog.beginOperation()
        var written: [ExtraFile] = []
        do throws(MediaError) {
            if let poster = extras.poster {
                let path = ExtraFile.path(.poster, stem: stem, plan: extras)
                let webp = poster.format == .webp
                let bytes = try encodePicture(
                    try picture(from: video, at: poster.time, width: poster.width, height: poster.height, webp: webp, cancellation: cancellation),
                    webp: webp)
                try MockImageSynthesizer.writeAtomically(bytes, to: path)
                written.append(
                    .init(kind: .poster, path: path, contentType: ExtraFile.contentType(ofName: path), width: poster.width, height: poster.height))
            }
            if let sprite = extras.sprite {
                written += try writeSprite(sprite, from: video, stem: stem, plan: extras, link: spriteLink, cancellation: cancellation)
            }
            if let preview = extras.preview {
                let path = ExtraFile.path(.preview, stem: stem, plan: extras)
                try writePreview(preview, from: video, to: path, cancellation: cancellation)
                written.append(
                    .init(
                        kind: .preview, path: path, contentType: ExtraFile.contentType(ofName: path),
                        width: preview.width, height: preview.height, duration: preview.duration))
            }
            if let mp3 = extras.mp3 {
                let path = ExtraFile.path(.mp3, stem: stem, plan: extras)
                let seconds = try writeMP3(mp3, from: video, to: path, cancellation: cancellation)
                written.append(.init(kind: .mp3, path: path, contentType: ExtraFile.contentType(ofName: path), duration: seconds))
            }
            if cancellation?.isCancelled == true { throw MediaError.cancelled(video) }
        } catch {
            for file in written { unlink(file.path) }
            throw error
        }
        return written.map { file in
            var sized = file
            sized.sizeBytes = ((try? FileManager.default.attributesOfItem(atPath: file.path)[.size]) as? NSNumber)?.int64Value ?? 0
            return sized
        }
    }

    /// Writes `extras` on `executor`; cancelling the task stops it and leaves none of the files.
    public static func write(
        _ extras: RenderPlan.ExtraOutputsPlan, from video: String, stem: String, spriteLink: String? = nil, on executor: MediaExecutor
    ) async throws(MediaError) -> [ExtraFile] {
        try await executor.run("extra-outputs") { flag throws(MediaError) in
            try write(extras, from: video, stem: stem, spriteLink: spriteLink, cancellation: flag)
        }
    }

    // MARK: pictures

    /// The frame shown at `time`, scaled, in the pixel format its encoder takes.
    private static func picture(
        from video: String, at time: Double, width: Int, height: Int, webp: Bool, cancellation: CancellationFlag?
    ) throws(MediaError) -> Frame {
        let input = try InputContainer(path: video, cancellation: cancellation)
        guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError(.noVideoStream, "\(video) has no video stream to take a picture from", path: video)
        }
        let reader = try FilteredStreamReader(input: input, stream: stream, seekTo: time) { graph, source throws(MediaError) in
            try graph.chain(
                from: source,
                [
                    ("trim", ["start": optionSeconds(time)]),
                    ("scale", ["w": String(width), "h": String(height)]),
                    ("format", ["pix_fmts": webp ? "yuv420p" : "yuvj420p"]),
                ])
        }
        let frame = try Frame()
        guard try reader.next(into: frame) else {
            throw MediaError(.ffmpeg, "no picture at \(optionSeconds(time)) s in \(video)", path: video)
        }
        return frame
    }

    /// One picture as JPEG (mjpeg, fixed quantizer) or WebP (libwebp) bytes.
    private static func encodePicture(_ frame: consuming Frame, webp: Bool) throws(MediaError) -> [UInt8] {
        let f = frame.pointer.pointee
        let encoder = try StreamEncoder(
            image: webp ? "libwebp" : "mjpeg", width: f.width, height: f.height,
            pixelFormat: webp ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUVJ420P,
            options: webp ? ["quality": "80"] : ["flags": "+qscale", "global_quality": String(jpegQuality)])
        frame.pts = 0
        frame.pointer.pointee.quality = Int32(jpegQuality)
        frame.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
        return try encoder.encodePicture(frame.pointer, name: webp ? "webp" : "jpeg")
    }

    /// The tiles in one JPEG sheet (filled tile by tile: one sheet and one tile in memory),
    /// and the WebVTT index that maps each interval to its tile.
    private static func writeSprite(
        _ sprite: RenderPlan.ExtraOutputsPlan.Sprite, from video: String, stem: String, plan: RenderPlan.ExtraOutputsPlan,
        link: String?, cancellation: CancellationFlag?
    ) throws(MediaError) -> [ExtraFile] {
        let duration = sprite.duration
        let sheet = try Frame()
        let width = sprite.columns * sprite.tileWidth
        let height = sprite.rows * sprite.tileHeight
        sheet.pointer.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        sheet.pointer.pointee.width = Int32(width)
        sheet.pointer.pointee.height = Int32(height)
        try ffcheck(av_frame_get_buffer(sheet.pointer, 0), "allocating the sprite sheet")
        for plane in 0..<3 {
            guard let (data, line) = Self.plane(sheet.pointer, plane) else { continue }
            let rows = plane == 0 ? height : height / 2
            memset(data, plane == 0 ? 0 : 128, line * rows)
        }
        // One pass over the video: tile k is the first frame at or after k × interval
        // (`select` counts the tiles taken so far). A seek and a decode from the keyframe
        // before each tile decoded dense tiles' video several times over.
        let input = try InputContainer(path: video, cancellation: cancellation)
        guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError(.noVideoStream, "\(video) has no video stream to take a picture from", path: video)
        }
        let reader = try FilteredStreamReader(input: input, stream: stream) { graph, source throws(MediaError) in
            try graph.chain(
                from: source,
                [
                    ("select", ["expr": "gte(t,selected_n*\(optionSeconds(sprite.interval)))"]),
                    ("scale", ["w": String(sprite.tileWidth), "h": String(sprite.tileHeight)]),
                    ("format", ["pix_fmts": "yuvj420p"]),
                ])
        }
        let tile = try Frame()
        var filled = 0
        while filled < sprite.count {
            if cancellation?.isCancelled == true { throw MediaError.cancelled(video) }
            guard try reader.next(into: tile) else { break }
            copyTile(sprite, from: tile.pointer, at: (0, 0), to: sheet.pointer, at: sprite.origin(of: filled))
            tile.unref()
            filled += 1
        }
        guard filled > 0 else { throw MediaError(.ffmpeg, "no picture in \(video) for the sprite", path: video) }
        // The last tiles' intervals may start past the last frame: they show the last one.
        for index in filled..<sprite.count {
            copyTile(sprite, from: sheet.pointer, at: sprite.origin(of: filled - 1), to: sheet.pointer, at: sprite.origin(of: index))
        }

        var cues = "WEBVTT\n"
        let spritePath = ExtraFile.path(.sprite, stem: stem, plan: plan)
        let name = link ?? (spritePath as NSString).lastPathComponent
        for index in 0..<sprite.count {
            let start = Double(index) * sprite.interval
            let end = min(Double(index + 1) * sprite.interval, duration)
            let (x, y) = sprite.origin(of: index)
            cues += "\n\(vttTime(start)) --> \(vttTime(max(end, start + 0.001)))\n\(name)#xywh=\(x),\(y),\(sprite.tileWidth),\(sprite.tileHeight)\n"
        }
        let bytes = try encodePicture(sheet, webp: false)
        let indexPath = ExtraFile.path(.spriteIndex, stem: stem, plan: plan)
        try MockImageSynthesizer.writeAtomically(bytes, to: spritePath)
        do throws(MediaError) {
            try MockImageSynthesizer.writeAtomically(Array(cues.utf8), to: indexPath)
        } catch {
            unlink(spritePath)
            throw error
        }
        return [
            .init(kind: .sprite, path: spritePath, contentType: ExtraFile.contentType(ofName: spritePath), width: width, height: height),
            .init(kind: .spriteIndex, path: indexPath, contentType: ExtraFile.contentType(ofName: indexPath)),
        ]
    }

    /// Copies a tile-sized block from one picture to another (or within one), plane by plane.
    private static func copyTile(
        _ sprite: RenderPlan.ExtraOutputsPlan.Sprite, from source: UnsafeMutablePointer<AVFrame>, at start: (x: Int, y: Int),
        to target: UnsafeMutablePointer<AVFrame>, at origin: (x: Int, y: Int)
    ) {
        for plane in 0..<3 {
            let shift = plane == 0 ? 0 : 1
            guard let (from, fromLine) = Self.plane(source, plane), let (to, toLine) = Self.plane(target, plane) else { continue }
            for row in 0..<(sprite.tileHeight >> shift) {
                memcpy(
                    to + ((origin.y >> shift) + row) * toLine + (origin.x >> shift),
                    from + ((start.y >> shift) + row) * fromLine + (start.x >> shift), sprite.tileWidth >> shift)
            }
        }
    }

    /// Plane `index` of a picture and its line size in bytes.
    private static func plane(_ frame: UnsafeMutablePointer<AVFrame>, _ index: Int) -> (UnsafeMutablePointer<UInt8>, Int)? {
        guard let planes = frame.pointee.extended_data, let data = planes[index] else { return nil }
        let line = withUnsafeBytes(of: frame.pointee.linesize) { $0.load(fromByteOffset: index * MemoryLayout<Int32>.stride, as: Int32.self) }
        return (data, Int(line))
    }

    /// `HH:MM:SS.mmm`.
    static func vttTime(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded())
        return String(format: "%02d:%02d:%02d.%03d", millis / 3_600_000, millis / 60_000 % 60, millis / 1000 % 60, millis % 1000)
    }

    // MARK: animation and sound

    /// `duration` seconds from `start`, at `fps`, scaled: a GIF (its own palette, made from
    /// these frames) or an animated WebP, looping.
    private static func writePreview(
        _ preview: RenderPlan.ExtraOutputsPlan.Preview, from video: String, to path: String, cancellation: CancellationFlag?
    ) throws(MediaError) {
        let gif = preview.format == .gif
        let input = try InputContainer(path: video, cancellation: cancellation)
        guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError(.noVideoStream, "\(video) has no video stream to make a preview from", path: video)
        }
        let reader = try FilteredStreamReader(input: input, stream: stream, seekTo: preview.start) { graph, source throws(MediaError) in
            let scaled = try graph.chain(
                from: source,
                [
                    ("trim", ["start": optionSeconds(preview.start), "end": optionSeconds(preview.start + preview.duration)]),
                    ("setpts", ["expr": "PTS-STARTPTS"]),
                    ("fps", ["fps": String(preview.fps)]),
                    ("scale", ["w": String(preview.width), "h": String(preview.height)]),
                ])
            guard gif else { return try graph.chain(from: scaled, [("format", ["pix_fmts": "yuv420p"])]) }
            // One palette for the whole preview, from its own frames (they are few and small).
            let split = try graph.add("split")
            try graph.link(scaled, to: split)
            let palette = try graph.add("palettegen")
            try graph.link(split, 0, to: palette)
            let apply = try graph.add("paletteuse", ["dither": "bayer", "bayer_scale": "3"])
            try graph.link(split, 1, to: apply, 0)
            try graph.link(palette, 0, to: apply, 1)
            return apply
        }
        let timeBase = AVRational(num: 1, den: Int32(preview.fps))
        let encoder = try StreamEncoder(
            image: gif ? "gif" : "libwebp_anim", width: Int32(preview.width), height: Int32(preview.height),
            pixelFormat: gif ? AV_PIX_FMT_PAL8 : AV_PIX_FMT_YUV420P, timeBase: timeBase, options: gif ? [:] : ["quality": "70"])
        let output = try OutputContainer(path: path, muxer: gif ? "gif" : "webp", options: ["loop": "0"], name: gif ? "gif" : "webp")
        let outStream = try output.addStream(for: encoder)
        try output.writeHeader()
        let frame = try Frame()
        let packet = try Packet()
        let push = { (packet: borrowing Packet) throws(MediaError) in try output.write(packet, from: timeBase, to: outStream) }
        var index: Int64 = 0
        while try reader.next(into: frame) {
            if cancellation?.isCancelled == true { throw MediaError.cancelled(path) }
            frame.pts = index
            index += 1
            frame.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
            try encoder.encode(frame.pointer, using: packet, emit: push)
            frame.unref()
        }
        guard index > 0 else { throw MediaError(.ffmpeg, "no frames between \(preview.start) s and its end in \(video)", path: video) }
        try encoder.encode(nil, using: packet, emit: push)
        try output.finish()
    }

    /// The video's audio stream alone, re-encoded as MP3 at `bitrate`; returns its seconds.
    private static func writeMP3(
        _ mp3: RenderPlan.ExtraOutputsPlan.MP3, from video: String, to path: String, cancellation: CancellationFlag?
    ) throws(MediaError) -> Double {
        let input = try InputContainer(path: video, cancellation: cancellation)
        guard let stream = input.bestStream(AVMEDIA_TYPE_AUDIO) else {
            throw MediaError(.noAudioStream, "\(video) has no audio stream to make an mp3 from", path: video)
        }
        let encoder = try StreamEncoder(
            audioEncoder: TimelinePlanner.mp3EncoderName, sampleRate: 48_000, bitRate: Int64(mp3.bitrate), globalHeader: false)
        let frameSize = encoder.fixedFrameSize ?? 1152
        let reader = try FilteredStreamReader(input: input, stream: stream) { graph, source throws(MediaError) in
            try graph.chain(
                from: source,
                [
                    ("aresample", ["out_sample_rate": "48000"]),
                    ("aformat", ["sample_fmts": encoder.sampleFormatName, "sample_rates": "48000", "channel_layouts": "stereo"]),
                    ("asetnsamples", ["nb_out_samples": String(frameSize), "pad": "1"]),
                ])
        }
        let output = try OutputContainer(path: path, muxer: "mp3", options: [:], name: "mp3")
        let outStream = try output.addStream(for: encoder)
        try output.writeHeader()
        let frame = try Frame()
        let packet = try Packet()
        let push = { (packet: borrowing Packet) throws(MediaError) in try output.write(packet, from: encoder.timeBase, to: outStream) }
        var samples: Int64 = 0
        while try reader.next(into: frame) {
            if cancellation?.isCancelled == true { throw MediaError.cancelled(path) }
            frame.pts = samples
            samples += Int64(frame.sampleCount)
            try encoder.encode(frame.pointer, using: packet, emit: push)
            frame.unref()
        }
        try encoder.encode(nil, using: packet, emit: push)
        try output.finish()
        return Double(samples) / 48_000
    }
}
