import CFFmpeg

/// Blends the last frames of one clip with the first frames of the next through
/// libavfilter's `xfade`, so every FFmpeg transition is available.
final class Crossfade {
    private let graph: FilterGraph
    private let outgoing: FilterGraph.Node
    private let incoming: FilterGraph.Node
    private let sink: FilterGraph.Node

    init(transition: String, frames: Int64, plan: RenderPlan) throws(MediaError) {
        graph = try FilterGraph()
        let rate = plan.frameRate
        let source: KeyValuePairs<String, String> = [
            "video_size": "\(plan.width)x\(plan.height)", "pix_fmt": "yuv420p", "pixel_aspect": "1/1",
            "time_base": "\(rate.denominator)/\(rate.numerator)", "frame_rate": "\(rate.numerator)/\(rate.denominator)",
        ]
        outgoing = try graph.add("buffer", source)
        incoming = try graph.add("buffer", source)
        let xfade = try graph.add(
            "xfade",
            [
                "transition": transition,
                "duration": String(Double(frames) / rate.value), "offset": "0",
            ])
        // xfade works in 4:4:4 for some transitions; the encoder takes 4:2:0.
        let format = try graph.add("format", ["pix_fmts": "yuv420p"])
        sink = try graph.add("buffersink")
        try graph.link(outgoing, to: xfade, 0)
        try graph.link(incoming, to: xfade, 1)
        try graph.link(xfade, to: format)
        try graph.link(format, to: sink)
        try graph.configure()
    }

    /// Feeds frame `index` of each side (their data is taken) and hands every blended
    /// frame that is ready to `emit`.
    func blend(
        outgoing a: borrowing Frame, incoming b: borrowing Frame, index: Int64,
        into blended: borrowing Frame, emit: (borrowing Frame) throws(MediaError) -> Void
    ) throws(MediaError) {
        a.pts = index
        b.pts = index
        try ffcheck(av_buffersrc_add_frame(outgoing.context, a.pointer), "feeding the transition")
        try ffcheck(av_buffersrc_add_frame(incoming.context, b.pointer), "feeding the transition")
        try drain(into: blended, emit: emit)
    }

    /// Ends both inputs and emits the frames still inside the filter.
    func finish(into blended: borrowing Frame, emit: (borrowing Frame) throws(MediaError) -> Void) throws(MediaError) {
        try ffcheck(av_buffersrc_add_frame(outgoing.context, nil), "ending the transition")
        try ffcheck(av_buffersrc_add_frame(incoming.context, nil), "ending the transition")
        try drain(into: blended, emit: emit)
    }

    private func drain(into blended: borrowing Frame, emit: (borrowing Frame) throws(MediaError) -> Void) throws(MediaError) {
        while try graph.pull(from: sink, into: blended) == .frame {
            try emit(blended)
            blended.unref()
        }
    }
}
