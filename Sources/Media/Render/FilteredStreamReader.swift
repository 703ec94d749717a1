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
    private var inputEnded = false

    /// `filters` receives the graph and its buffer source and returns the node to sink from.
    /// `origin` (seconds) is the file's time zero for this stream; a clip's audio takes its
    /// video's origin, so a sound that starts later than the picture stays where it was.
    init(input: InputContainer, stream: UnsafeMutablePointer<AVStream>, origin: Double? = nil, seekTo seconds: Double = 0,
         filters: (FilterGraph, FilterGraph.Node) throws(MediaError) -> FilterGraph.Node) throws(MediaError) {
        self.input = input
        decoder = try StreamDecoder(stream: stream, path: input.path)
        streamIndex = stream.pointee.index
        let originSeconds = origin ?? input.startSeconds(of: stream)
        startTime = Int64((originSeconds / av_q2d(stream.pointee.time_base)).rounded())
        packet = try Packet()
        decoded = try Frame()
        graph = try FilterGraph()
        source = try graph.add(decoder.context.pointee.codec_type == AVMEDIA_TYPE_VIDEO ? "buffer" : "abuffer",
                               Self.sourceOptions(decoder.context, timeBase: stream.pointee.time_base))
        let last = try filters(graph, source)
        sink = try graph.add(decoder.context.pointee.codec_type == AVMEDIA_TYPE_VIDEO ? "buffersink" : "abuffersink")
        try graph.link(last, to: sink)
        try graph.configure()
        if seconds > 0.5 {
            // Seeking lands on an earlier keyframe; `trim` in the graph drops what comes before.
            try input.seek(toSeconds: seconds + Double(startTime) * av_q2d(stream.pointee.time_base) - 0.5)
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
            let more: Bool
            do {
                more = try input.read(into: packet)
            } catch {
                more = false  // a damaged tail ends the stream; the frame count is made whole downstream
            }
            if !more {
                try decoder.send(nil)
                try drainDecoder()
                try ffcheck(av_buffersrc_add_frame_flags(source.context, nil, 0), "ending the filter input", path: input.path)
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
            try ffcheck(av_buffersrc_add_frame_flags(source.context, decoded.pointer, Int32(AV_BUFFERSRC_FLAG_KEEP_REF)),
                        "filtering a decoded frame", path: input.path)
            decoded.unref()
            pushed = true
        }
        return pushed
    }

    private static func sourceOptions(_ context: UnsafeMutablePointer<AVCodecContext>,
                                      timeBase: AVRational) -> KeyValuePairs<String, String> {
        let c = context.pointee
        let timeBaseText = "\(timeBase.num)/\(timeBase.den)"
        if c.codec_type == AVMEDIA_TYPE_VIDEO {
            let sar = c.sample_aspect_ratio.num > 0 ? c.sample_aspect_ratio : AVRational(num: 1, den: 1)
            return ["video_size": "\(c.width)x\(c.height)",
                    "pix_fmt": av_get_pix_fmt_name(c.pix_fmt).map { String(cString: $0) } ?? "yuv420p",
                    "time_base": timeBaseText, "pixel_aspect": "\(sar.num)/\(sar.den)"]
        }
        var layout = c.ch_layout
        if layout.order == AV_CHANNEL_ORDER_UNSPEC {
            av_channel_layout_default(&layout, max(1, c.ch_layout.nb_channels))
        }
        var buffer = [CChar](repeating: 0, count: 128)
        av_channel_layout_describe(&layout, &buffer, buffer.count)
        return ["time_base": timeBaseText, "sample_rate": String(c.sample_rate),
                "sample_fmt": av_get_sample_fmt_name(c.sample_fmt).map { String(cString: $0) } ?? "fltp",
                "channel_layout": string(fromCBuffer: buffer)]
    }
}
