/// Draws a render's texts — its overlays and its burned captions — on the output frames
/// they cover. Only the texts on screen have a graph: a `TextGraph` is made when the set
/// on screen changes and dropped when it does again, so a lyrics file of thousands of
/// cues costs one small graph at a time, and frames no text covers skip drawing.
/// Frames must come in increasing order (a chunk starts anywhere, then goes forward).
final class OverlayStage {
    private let plan: RenderPlan
    /// Every text, by start frame.
    private let texts: [RenderPlan.OverlayPlan]
    private let spans: [Range<Int64>]
    /// Texts before this one have started.
    private var nextStart = 0
    /// Started texts not yet over.
    private var started: [Int] = []
    private var current: (members: [Int], graph: TextGraph)?

    /// nil when the plan draws no text.
    static func make(for plan: RenderPlan) -> OverlayStage? {
        let texts = plan.overlays + (plan.captions?.burnedTexts ?? [])
        return texts.isEmpty ? nil : OverlayStage(texts, plan: plan)
    }

    private init(_ texts: [RenderPlan.OverlayPlan], plan: RenderPlan) {
        self.plan = plan
        let spanned = texts.map { ($0, TextGraph.frames(of: $0, rate: plan.frameRate)) }
            .filter { !$0.1.isEmpty }
            .sorted { $0.1.lowerBound < $1.1.lowerBound }
        self.texts = spanned.map(\.0)
        spans = spanned.map(\.1)
    }

    /// Whether some text is on output frame `index` (moves the stage to that frame).
    func covers(_ index: Int64) -> Bool {
        while nextStart < spans.count, spans[nextStart].lowerBound <= index {
            started.append(nextStart)
            nextStart += 1
        }
        started.removeAll { spans[$0].upperBound <= index }
        return !started.isEmpty
    }

    /// `frame` with the texts of output frame `index` drawn on it, into `drawn`; `covers(index)` first.
    func draw(_ frame: borrowing Frame, at index: Int64, into drawn: borrowing Frame) throws(MediaError) {
        let graph: TextGraph
        if let current, current.members == started {
            graph = current.graph
        } else {
            current = nil  // the old graph's fonts go before the new one's load
            graph = try TextGraph(started.map { texts[$0] }, plan: plan)
            current = (started, graph)
        }
        try graph.draw(frame, at: index, into: drawn)
    }
}
