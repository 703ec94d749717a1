/// Where a render of part of a plan may start or end: at a clip's first frame after a
/// cut, or inside a clip's own frames; never inside a transition, whose frames blend two
/// clips through a filter that must see the whole window.
enum VideoFrameRange {
    /// The clip whose frames include `frame` and how many of its frames come before it,
    /// or nil when `frame` falls inside a transition (or off the plan).
    static func position(of frame: Int64, in plan: RenderPlan) -> (clip: Int, offset: Int64)? {
        guard frame >= 0, frame <= plan.totalFrames, !plan.clips.isEmpty else { return nil }
        // Clips are in output order; the last one that has started owns the frame.
        var low = 0
        var high = plan.clips.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if plan.clips[middle].startFrame <= frame { low = middle } else { high = middle - 1 }
        }
        let clip = plan.clips[low]
        let offset = frame - clip.startFrame
        let incoming = clip.index > 0 ? plan.joins[clip.index - 1].frames : 0
        guard offset >= incoming || frame == plan.totalFrames else { return nil }
        return (clip.index, offset)
    }

    /// `range` widened by up to `history` frames before and `lookahead` after, where a part
    /// may start and end: what a chunk encodes so that its encoder has the rate-control
    /// history and the lookahead a one-pass encoder has at the seams (the frames outside
    /// `range` are encoded and dropped).
    static func widened(_ range: Range<Int64>, history: Int64, lookahead: Int64, in plan: RenderPlan) -> Range<Int64> {
        guard history > 0, lookahead > 0 else { return range }
        // Nearest to a full margin first; a transition in the way is skipped over, up to twice the margin.
        let (low, high) = (range.lowerBound, range.upperBound)
        let before: [Int64] = Array(low - history..<low) + Array((low - 2 * history...low - history - 1).reversed())
        let after: [Int64] = Array((high + 1...high + lookahead).reversed()) + Array(high + lookahead + 1...high + 2 * lookahead)
        let start = before.first { $0 >= 0 && position(of: $0, in: plan) != nil } ?? low
        let end = after.first { $0 <= plan.totalFrames && position(of: $0, in: plan) != nil } ?? high
        return min(start, range.lowerBound)..<max(end, range.upperBound)
    }

    /// Checks that `range` may be rendered on its own; returns where its first frame is.
    static func check(_ range: Range<Int64>, in plan: RenderPlan) throws(MediaError) -> (clip: Int, offset: Int64) {
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= plan.totalFrames else {
            throw MediaError(
                .invalidArgument, "frames \(range.lowerBound)..<\(range.upperBound) are not a part of the render's \(plan.totalFrames) frames")
        }
        guard let start = position(of: range.lowerBound, in: plan), position(of: range.upperBound, in: plan) != nil else {
            throw MediaError(
                .invalidArgument,
                "frames \(range.lowerBound)..<\(range.upperBound) start or end inside a transition; a chunk must hold each transition whole")
        }
        return start
    }
}
