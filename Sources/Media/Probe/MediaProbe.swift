import CFFmpeg
import Foundation

/// Reads a file's container and stream facts without decoding pictures. The fields
/// agree with `ffprobe` on the same file (the tests hold it to that).
public enum MediaProbe {
    /// Video packets whose timestamps are inspected to tell constant from variable frame rate.
    static let frameRateSamplePackets = 240

    /// Probes `path` within `MediaLimits.probeDeadline`; stops when the media work running
    /// on this thread is cancelled.
    public static func probe(_ path: String) throws(MediaError) -> MediaInfo {
        try probe(path, deadline: MediaLimits.probeDeadline)
    }

    /// Probes `path`, all of it (opening, the frame-rate sample, measuring a stream
    /// without a stated duration) within `deadline`; stops when `cancellation` (or the
    /// media work running on this thread) is cancelled.
    public static func probe(
        _ path: String, deadline: Duration,
        cancellation: CancellationFlag? = nil
    ) throws(MediaError) -> MediaInfo {
        let input = try InputContainer(path: path, cancellation: cancellation, deadline: .after(deadline))
        return try probe(input)
    }

    /// Probes `path` on `executor` within `MediaLimits.probeDeadline`; cancelling the
    /// task stops it, even inside a blocked read.
    public static func probe(_ path: String, on executor: MediaExecutor) async throws(MediaError) -> MediaInfo {
        try await executor.run("probe") { flag throws(MediaError) in
            try probe(path, deadline: MediaLimits.probeDeadline, cancellation: flag)
        }
    }

    static func probe(_ input: InputContainer) throws(MediaError) -> MediaInfo {
        let context = input.context.pointee
        try checkIndexFitsFile(input)
        let videoStream = input.bestStream(AVMEDIA_TYPE_VIDEO)
        let audioStream = input.bestStream(AVMEDIA_TYPE_AUDIO)
        guard videoStream != nil || audioStream != nil else {
            throw MediaError(.notMedia, "\(input.path) has neither a video nor an audio stream; give a media file", path: input.path)
        }
        // A container that states no duration is measured, its video stream too.
        let measured = context.duration == noPTS ? try measuredEnds(input) : [:]
        let video = try videoStream.map { stream throws(MediaError) in
            try videoInfo(stream, in: input, measuredDuration: measured[stream.pointee.index])
        }
        let duration = context.duration == noPTS ? measured.values.max() : Double(context.duration) / Double(mf_time_base())
        return MediaInfo(
            path: input.path,
            format: String(cString: context.iformat.pointee.name),
            duration: duration,
            sizeBytes: input.sizeBytes,
            bitRate: context.bit_rate > 0 ? context.bit_rate : nil,
            video: video,
            audio: audioStream.map(audioInfo)
        )
    }

    private static func videoInfo(
        _ stream: UnsafeMutablePointer<AVStream>, in input: InputContainer,
        measuredDuration: Double?
    ) throws(MediaError) -> VideoStreamInfo {
        let parameters = stream.pointee.codecpar.pointee
        let width = Int(parameters.width)
        let height = Int(parameters.height)
        let sar = av_guess_sample_aspect_ratio(input.context, stream, nil)
        let knownSAR = sar.num > 0 && sar.den > 0
        let rotation = rotationDegrees(stream)
        var displayWidth = knownSAR ? Int((Double(width) * av_q2d(sar)).rounded()) : width
        var displayHeight = height
        if rotation == 90 || rotation == 270 { swap(&displayWidth, &displayHeight) }

        return VideoStreamInfo(
            codec: String(cString: avcodec_get_name(parameters.codec_id)),
            profile: avcodec_profile_name(parameters.codec_id, parameters.profile).map { String(cString: $0) },
            width: width,
            height: height,
            displayWidth: displayWidth,
            displayHeight: displayHeight,
            rotation: rotation,
            sar: knownSAR ? "\(sar.num):\(sar.den)" : "1:1",
            fps: rate(stream.pointee.r_frame_rate),
            avgFps: rate(stream.pointee.avg_frame_rate),
            vfr: try hasVariableFrameDurations(stream, in: input),
            pixFmt: av_get_pix_fmt_name(AVPixelFormat(rawValue: parameters.format)).map { String(cString: $0) },
            frames: stream.pointee.nb_frames > 0 ? stream.pointee.nb_frames : nil,
            duration: streamDuration(stream) ?? measuredDuration
        )
    }

    private static func audioInfo(_ stream: UnsafeMutablePointer<AVStream>) -> AudioStreamInfo {
        var parameters = stream.pointee.codecpar.pointee
        var layout: String?
        if parameters.ch_layout.order != AV_CHANNEL_ORDER_UNSPEC {
            var buffer = [CChar](repeating: 0, count: 128)
            if av_channel_layout_describe(&parameters.ch_layout, &buffer, buffer.count) > 0 {
                layout = string(fromCBuffer: buffer)
            }
        }
        return AudioStreamInfo(
            codec: String(cString: avcodec_get_name(parameters.codec_id)),
            sampleRate: Int(parameters.sample_rate),
            channels: Int(parameters.ch_layout.nb_channels),
            layout: layout
        )
    }

    /// The stream's duration, or from Matroska's per-track DURATION tag ("00:00:02.000000000").
    private static func streamDuration(_ stream: UnsafeMutablePointer<AVStream>) -> Double? {
        if stream.pointee.duration != noPTS, stream.pointee.duration > 0 {
            return Double(stream.pointee.duration) * av_q2d(stream.pointee.time_base)
        }
        guard let tag = av_dict_get(stream.pointee.metadata, "DURATION", nil, 0), let value = tag.pointee.value else { return nil }
        let parts = String(cString: value).split(separator: ":").compactMap { Double($0) }
        guard parts.count == 3 else { return nil }
        // The tag is where the track ends; it may start late (shifted for audio priming).
        let start = stream.pointee.start_time == noPTS ? 0 : Double(stream.pointee.start_time) * av_q2d(stream.pointee.time_base)
        return parts[0] * 3600 + parts[1] * 60 + parts[2] - start
    }

    private static func rate(_ q: AVRational) -> Double? {
        q.num > 0 && q.den > 0 ? av_q2d(q) : nil
    }

    /// Clockwise degrees a player turns the picture, as the ffmpeg CLI's autorotate does.
    static func rotationDegrees(_ stream: UnsafeMutablePointer<AVStream>) -> Int {
        var size: Int = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size),
            size >= 9 * MemoryLayout<Int32>.size
        else { return 0 }
        let counterClockwise = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard counterClockwise.isFinite else { return 0 }
        let quarterTurns = Int((-counterClockwise / 90).rounded())
        return ((quarterTurns % 4) + 4) % 4 * 90
    }

    /// Looks at the presentation timestamps of the first video packets: constant frame
    /// rate spaces them evenly (up to the container's rounding), variable does not.
    private static func hasVariableFrameDurations(
        _ stream: UnsafeMutablePointer<AVStream>,
        in input: InputContainer
    ) throws(MediaError) -> Bool {
        let index = stream.pointee.index
        var timestamps: [Int64] = []
        let packet = try Packet()
        var packetsRead = 0
        while timestamps.count < frameRateSamplePackets, packetsRead < frameRateSamplePackets * 8 {
            let more: Bool
            do { more = try input.read(into: packet) } catch { break }  // a damaged tail ends the sample, not the probe
            guard more else { break }
            packetsRead += 1
            let p = packet.pointer.pointee
            if p.stream_index == index {
                let time = p.pts != noPTS ? p.pts : p.dts
                if time != noPTS { timestamps.append(time) }
            }
            packet.unref()
        }
        try input.requireNotStopped()  // a stopped read is not a damaged tail
        return FrameTiming.isVariable(timestamps: timestamps)
    }

    /// For a file whose container does not state its duration (a webm recorded live by a
    /// browser's MediaRecorder): where each stream's packets end, in seconds from the
    /// stream's start, by reading every packet without decoding. Streams without
    /// timestamps are left out.
    private static func measuredEnds(_ probed: InputContainer) throws(MediaError) -> [Int32: Double] {
        // From the start, whatever was read already; within the same deadline.
        let input = try InputContainer(path: probed.path, cancellation: probed.cancellation, deadline: probed.deadline)
        let streams = input.streams
        let packet = try Packet()
        var ends: [Int32: Double] = [:]
        while true {
            let more: Bool
            do { more = try input.read(into: packet) } catch { break }  // a damaged tail ends the measure
            guard more else { break }
            let p = packet.pointer.pointee
            let stream = streams[Int(p.stream_index)]
            let time = p.pts != noPTS ? p.pts : p.dts
            if time != noPTS {
                let startTime = stream.pointee.start_time == noPTS ? 0 : stream.pointee.start_time
                let end = Double(time - startTime + max(0, p.duration)) * av_q2d(stream.pointee.time_base)
                ends[p.stream_index] = max(ends[p.stream_index] ?? 0, end)
            }
            packet.unref()
        }
        try input.requireNotStopped()
        return ends
    }

    /// A faststart mp4 cut short still opens, because its index is at the front; the
    /// index then points past the end of the file.
    private static func checkIndexFitsFile(_ input: InputContainer) throws(MediaError) {
        for stream in input.streams {
            let count = avformat_index_get_entries_count(stream)
            guard count > 0, let last = avformat_index_get_entry(stream, count - 1) else { continue }
            let end = last.pointee.pos + Int64(last.pointee.size)
            if end > input.sizeBytes {
                throw MediaError(
                    .truncated,
                    "\(input.path) is truncated: it has \(input.sizeBytes) bytes but its index needs \(end); re-download or re-export it",
                    path: input.path)
            }
        }
    }
}

/// Frame-timing arithmetic, kept apart so it can be tested on plain numbers.
enum FrameTiming {
    /// True when the gaps between sorted timestamps vary by more than 10 % of the
    /// median gap (and more than two ticks, the rounding of ms-based containers).
    static func isVariable(timestamps: [Int64]) -> Bool {
        guard timestamps.count >= 3 else { return false }
        let sorted = timestamps.sorted()
        let gaps = zip(sorted.dropFirst(), sorted).map { $0 - $1 }.filter { $0 > 0 }
        guard gaps.count >= 2 else { return false }
        let median = gaps.sorted()[gaps.count / 2]
        let tolerance = max(Double(median) * 0.1, 2)
        return gaps.contains { abs(Double($0 - median)) > tolerance }
    }
}
