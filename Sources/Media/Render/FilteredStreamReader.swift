import CFFmpeg

/// Decodes one stream of a file and pulls its frames through a filter graph on demand:
/// the graph asks for more, the reader reads and decodes just enough packets. Frames
/// enter the graph with timestamps relative to the stream's start, so `trim` works in
/// seconds of the media whatever the container's start time.
final class FilteredStreamReader {
    let input: InputContainer
    let decoder: StreamDecoder
    let graph: FilterGraph
    private let source: FilterGraph.Node
    private let sink: FilterGraph.Node
    private let packet: Packet
    private let decoded: Frame
    private let streamIndex: Int32
    private let startTime: Int64
    private let timeBase: AVRational
    private let frameRate: AVRational
    private var inputEnded = false
    /// Where the frames given to the graph end (stream time base, from the origin). Closing
    /// the source there lets `fps` show the last picture for its whole duration.
    private var endOfFrames: Int64?

    /// Where the frames must reach (seconds from the origin) before the file ends, if anywhere.
    private let mustReach: Double?
    /// How far short of `mustReach` a file may end: a stream's stated length can run a
    /// little past its last frame, and a few frames of hold at the end are not noticed.
    static let shortfallTolerance = 0.25

    /// `filters` receives the graph and its buffer source and returns the node to sink from.
    /// `origin` (seconds) is the file's time zero for this stream; a clip's audio takes its
    /// video's origin, so a sound that starts later than the picture stays where it was.
    /// `mustReach`: a file whose frames end well before this time was cut short, and is an
    /// error rather than a frozen tail (mkv and webm cut in half still claim their length).
    init(
        input: InputContainer, stream: UnsafeMutablePointer<AVStream>, origin: Double? = nil, seekTo seconds: Double = 0,
        mustReach: Double? = nil,
        filters: (FilterGraph, FilterGraph.Node) throws(MediaError) -> FilterGraph.Node
    ) throws(MediaError) {
        self.input = input
        self.mustReach = mustReach
        decoder = try StreamDecoder(stream: stream, path: input.path)
        streamIndex = stream.pointee.index
        timeBase = stream.pointee.time_base
        frameRate = stream.pointee.avg_frame_rate
        let originSeconds = origin ?? input.startSeconds(of: stream)
        // A file's own start time and time base can be anything; out of range is an error, not a trap.
        guard let start = CheckedConversion.int64(originSeconds / av_q2d(stream.pointee.time_base)) else {
            throw MediaError(
                .unsupported, "\(input.path) has a start time or time base out of range; remux it (ffmpeg -i in -c copy out.mp4)",
                path: input.path)
        }
        startTime = start
        packet = try Packet()
        decoded = try Frame()
        graph = try FilterGraph()
        source = try graph.add(
            decoder.context.pointee.codec_type == AVMEDIA_TYPE_VIDEO ? "buffer" : "abuffer",
            Self.sourceOptions(decoder.context, timeBase: stream.pointee.time_base))
        let last = try filters(graph, source)
        sink = try graph.add(decoder.context.pointee.codec_type == AVMEDIA_TYPE_VIDEO ? "buffersink" : "abuffersink")
        try graph.link(last, to: sink)
        try graph.configure()
        if seconds > 0.5 {
            // Seeking lands on an earlier keyframe; `trim` in the graph drops what comes before.
            try input.seek(toSeconds: seconds + originSeconds - 0.5)
        }
    }

    /// The next filtered frame; false at the end.
    func next(into frame: borrowing Frame) throws(MediaError) -> Bool {
        while true {
            switch try graph.pull(from: sink, into: frame) {
            case .frame: return true
            case .end: return false
            case .again:
                if inputEnded { return false }
                try feed()
            }
        }
    }

    /// Reads packets until some decoded frame has entered the graph, or the input ends.
    private func feed() throws(MediaError) {
        var pushed = false
        while !pushed {
            // A read error fails the clip: ending the stream there would freeze its picture without a word.
            if try !input.read(into: packet) {
                try decoder.send(nil)
                try drainDecoder()
                try checkReached()
                let closing =
                    endOfFrames.map { av_buffersrc_close(source.context, $0, 0) }
                    ?? av_buffersrc_add_frame_flags(source.context, nil, 0)
                try ffcheck(closing, "ending the filter input", path: input.path)
                inputEnded = true
                return
            }
            defer { packet.unref() }
            guard packet.pointer.pointee.stream_index == streamIndex else { continue }
            try decoder.send(packet.pointer)
            pushed = try drainDecoder()
        }
    }

    @discardableResult
    private func drainDecoder() throws(MediaError) -> Bool {
        var pushed = false
        while try decoder.receive(into: decoded) {
            let timestamp = decoded.pointer.pointee.best_effort_timestamp
            decoded.pts = timestamp == noPTS ? noPTS : timestamp - startTime
            if decoded.pts != noPTS {
                endOfFrames = max(endOfFrames ?? .min, decoded.pts + duration(of: decoded))
            }
            try ffcheck(
                av_buffersrc_add_frame_flags(source.context, decoded.pointer, Int32(AV_BUFFERSRC_FLAG_KEEP_REF)),
                "filtering a decoded frame", path: input.path)
            decoded.unref()
            pushed = true
        }
        return pushed
    }

    private func checkReached() throws(MediaError) {
        guard let mustReach else { return }
        let reached = endOfFrames.map { Double($0) * av_q2d(timeBase) } ?? 0
        guard reached < mustReach - Self.shortfallTolerance else { return }
        let seconds = { (value: Double) in "\((value * 100).rounded() / 100) s" }
        throw MediaError(
            .truncated,
            "\(input.path) ends at \(seconds(reached)), but its media should last to \(seconds(mustReach)): "
                + "the file was cut short or is damaged; re-download or re-export it", path: input.path)
    }

    /// A decoded frame's duration in the stream's time base: its packet's, else its
    /// samples' or the stream's frame rate's.
    private func duration(of frame: borrowing Frame) -> Int64 {
        let f = frame.pointer.pointee
        if f.pkt_duration > 0 { return f.pkt_duration }
        if f.nb_samples > 0 && f.sample_rate > 0 {
            return av_rescale_q(Int64(f.nb_samples), AVRational(num: 1, den: f.sample_rate), timeBase)
        }
        guard frameRate.num > 0, frameRate.den > 0 else { return 0 }
        return av_rescale_q(1, av_inv_q(frameRate), timeBase)
    }

    private static func sourceOptions(
        _ context: UnsafeMutablePointer<AVCodecContext>,
        timeBase: AVRational
    ) -> KeyValuePairs<String, String> {
        let c = context.pointee
        let timeBaseText = "\(timeBase.num)/\(timeBase.den)"
        if c.codec_type == AVMEDIA_TYPE_VIDEO {
            let sar = c.sample_aspect_ratio.num > 0 ? c.sample_aspect_ratio : AVRational(num: 1, den: 1)
            return [
                "video_size": "\(c.width)x\(c.height)",
                "pix_fmt": av_get_pix_fmt_name(c.pix_fmt).map { String(cString: $0) } ?? "yuv420p",
                "time_base": timeBaseText, "pixel_aspect": "\(sar.num)/\(sar.den)",
            ]
        }
        var layout = c.ch_layout
        if layout.order == AV_CHANNEL_ORDER_UNSPEC {
            av_channel_layout_default(&layout, max(1, c.ch_layout.nb_channels))
        }
        var buffer = [CChar](repeating: 0, count: 128)
        av_channel_layout_describe(&layout, &buffer, buffer.count)
        return [
            "time_base": timeBaseText, "sample_rate": String(c.sample_rate),
            "sample_fmt": av_get_sample_fmt_name(c.sample_fmt).map { String(cString: $0) } ?? "fltp",
            "channel_layout": string(fromCBuffer: buffer),
        ]
    }
}
