import CFFmpeg

/// An owned libavfilter graph, freed exactly once. Filters are added one by one with
/// their options set through AVOptions, so values (a user's text, a path) never
/// pass through filtergraph-string escaping.
final class FilterGraph {
    let graph: UnsafeMutablePointer<AVFilterGraph>

    /// A filter inside this graph. It keeps the graph alive while it is used.
    struct Node {
        let graph: FilterGraph
        let context: UnsafeMutablePointer<AVFilterContext>
    }

    enum Pull {
        case frame
        case again
        case end
    }

    init() throws(MediaError) {
        graph = try ffalloc(avfilter_graph_alloc(), "a filter graph")
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVFilterGraph>? = graph
        avfilter_graph_free(&freeing)
    }

    /// Adds and initializes one filter; option order is kept (some filters care).
    @discardableResult
    func add(
        _ filterName: String, _ options: KeyValuePairs<String, String> = [:],
        name: String? = nil
    ) throws(MediaError) -> Node {
        guard let filter = avfilter_get_by_name(filterName) else {
            throw MediaError(.unsupported, "this FFmpeg has no '\(filterName)' filter; install Debian's libavfilter (scripts/install-deps.sh)")
        }
        let instanceName = name ?? "\(filterName)\(graph.pointee.nb_filters)"
        let context = try ffalloc(avfilter_graph_alloc_filter(graph, filter, instanceName), "the \(filterName) filter")
        for (key, value) in options {
            try ffcheck(
                av_opt_set(context, key, value, AV_OPT_SEARCH_CHILDREN),
                "setting \(filterName) option \(key)=\(value)")
        }
        try ffcheck(avfilter_init_str(context, nil), "initializing the \(filterName) filter")
        return Node(graph: self, context: context)
    }

    func link(_ source: Node, _ sourcePad: UInt32 = 0, to destination: Node, _ destinationPad: UInt32 = 0) throws(MediaError) {
        try ffcheck(
            avfilter_link(source.context, sourcePad, destination.context, destinationPad),
            "linking \(String(cString: source.context.pointee.name)) to \(String(cString: destination.context.pointee.name))")
    }

    /// Adds filters one after the other, each fed by the previous; returns the last.
    @discardableResult
    func chain(from start: Node, _ filters: [(String, KeyValuePairs<String, String>)]) throws(MediaError) -> Node {
        var last = start
        for (name, options) in filters {
            let next = try add(name, options)
            try link(last, to: next)
            last = next
        }
        return last
    }

    func configure() throws(MediaError) {
        try ffcheck(avfilter_graph_config(graph, nil), "configuring the filter graph")
    }

    /// Takes the next frame from a buffersink into `frame`.
    func pull(from sink: Node, into frame: borrowing Frame) throws(MediaError) -> Pull {
        let code = av_buffersink_get_frame(sink.context, frame.pointer)
        if code == averrorEOF { return .end }
        if code == averrorEAGAIN { return .again }
        try ffcheck(code, "filtering")
        return .frame
    }

    /// Makes an audio buffersink hand out frames of exactly `samples` (the last may be shorter).
    func setFrameSize(of sink: Node, to samples: Int32) {
        av_buffersink_set_frame_size(sink.context, UInt32(samples))
    }

    func timeBase(of sink: Node) -> AVRational { av_buffersink_get_time_base(sink.context) }
}
