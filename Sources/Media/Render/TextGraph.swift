import CFFmpeg
import Foundation

/// One graph of `drawtext` filters drawing a fixed set of texts (overlays, captions):
/// every value (the user's text, colour, font file) set as an AVOption on the filter
/// instance, never parsed as filtergraph syntax, with `expansion=none` so the text is
/// drawn as written. `OverlayStage` makes one for each set of texts on screen together.
final class TextGraph {
    private let graph: FilterGraph
    private let source: FilterGraph.Node
    private let sink: FilterGraph.Node

    init(_ texts: [RenderPlan.OverlayPlan], plan: RenderPlan) throws(MediaError) {
        let rate = plan.frameRate
        graph = try FilterGraph()
        source = try graph.add(
            "buffer",
            [
                "video_size": "\(plan.width)x\(plan.height)", "pix_fmt": "yuv420p",
                "time_base": "\(rate.denominator)/\(rate.numerator)", "frame_rate": "\(rate.numerator)/\(rate.denominator)",
                "pixel_aspect": "1/1",
            ])
        var last = source
        for text in texts {
            let filter = try graph.add("drawtext", try Self.options(text, span: Self.frames(of: text, rate: rate), plan: plan))
            try graph.link(last, to: filter)
            last = filter
        }
        sink = try graph.add("buffersink")
        try graph.link(last, to: sink)
        try graph.configure()
    }

    /// The output frames whose start time is in [start, end) (a millionth of a second of slack for rounding).
    static func frames(of overlay: RenderPlan.OverlayPlan, rate: FrameRate) -> Range<Int64> {
        let first = Int64(((overlay.start - 1e-6) * rate.value).rounded(.up))
        let end = Int64(((overlay.end - 1e-6) * rate.value).rounded(.up))
        return max(0, first)..<max(max(0, first), end)
    }

    /// `frame` with the texts of output frame `index` drawn on it, into `drawn`
    /// (`frame` itself is left as it was: a still's picture is shared by all its frames).
    func draw(_ frame: borrowing Frame, at index: Int64, into drawn: borrowing Frame) throws(MediaError) {
        frame.pts = index
        try ffcheck(av_buffersrc_add_frame_flags(source.context, frame.pointer, Int32(AV_BUFFERSRC_FLAG_KEEP_REF)), "drawing the text overlays")
        guard try graph.pull(from: sink, into: drawn) == .frame else {
            throw MediaError(.ffmpeg, "internal: the text overlays gave no frame")
        }
    }

    private static func options(
        _ overlay: RenderPlan.OverlayPlan, span: Range<Int64>,
        plan: RenderPlan
    ) throws(MediaError) -> KeyValuePairs<String, String> {
        let n = { (value: Double) in String(format: "%.12g", value) }
        let margin = TextLayout(width: plan.width, height: plan.height).margin
        let lineHeight = Double(overlay.size) * 1.25
        let text = TextWrapping.wrap(
            overlay.text, width: plan.width - 2 * margin, fontSize: overlay.size,
            maxLines: max(1, Int(Double(plan.height - 2 * margin) / lineHeight)))
        let font = LabelFont.covering(text)?.path ?? LabelFont.fallbackPath
        guard FileManager.default.fileExists(atPath: font) else {
            throw MediaError(
                .unsupported, "no font to draw text overlays with (\(font) is missing); install fonts-dejavu-core (scripts/install-deps.sh)")
        }
        let x: String
        let y: String
        switch OverlayPosition(overlay.position) ?? .bottom {
        case .top: (x, y) = ("(w-text_w)/2", String(margin))
        case .center: (x, y) = ("(w-text_w)/2", "(h-text_h)/2")
        case .bottom: (x, y) = ("(w-text_w)/2", "h-text_h-\(margin)")
        case .point(let fx, let fy): (x, y) = ("\(n(fx))*w", "\(n(fy))*h")
        }
        // On exactly the frames of its span: frame times are whole frames, the bounds half a frame before them.
        // (Not by n: the graph sees only the frames some overlay covers, so its count is not the frame number.)
        let period = Double(plan.frameRate.denominator) / Double(plan.frameRate.numerator)
        let enable = "gte(t,\(n((Double(span.lowerBound) - 0.5) * period)))*lt(t,\(n((Double(span.upperBound) - 0.5) * period)))"
        let alpha: String
        if overlay.fade > 0 {
            let start = n(overlay.start)
            let end = n(overlay.end)
            let fade = n(overlay.fade)
            alpha = "clip(min((t-\(start))/\(fade),(\(end)-t)/\(fade)),0,1)"
        } else {
            alpha = "1"
        }
        return [
            "fontfile": font, "expansion": "none", "text": text, "fontsize": String(overlay.size), "fontcolor": overlay.color,
            "x": x, "y": y, "alpha": alpha, "line_spacing": String(max(0, overlay.size / 5)),
            "box": overlay.box ? "1" : "0", "boxcolor": "black@0.55", "boxborderw": String(max(1, overlay.size / 4)),
            "enable": enable,
        ]
    }
}
