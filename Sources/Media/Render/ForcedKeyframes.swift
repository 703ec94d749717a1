/// The frames every render of a plan encodes as keyframes (closed-GOP IDRs): the first
/// frame after each hard cut, and every keyframe interval (2 s) from the start. A chunked
/// render cuts only there, so at each seam the chunks and a one-pass render both start a
/// fresh GOP on the same frame and their pictures match within encoder noise.
struct ForcedKeyframes {
    let interval: Int64
    let cuts: Set<Int64>

    init(_ plan: RenderPlan) {
        interval = VideoEncoderSettings.keyframeInterval(plan.frameRate)
        cuts = Set(plan.joins.indices.filter { plan.joins[$0].frames == 0 }.map { plan.clips[$0 + 1].startFrame })
    }

    func contains(_ frame: Int64) -> Bool { frame % interval == 0 || cuts.contains(frame) }
}
