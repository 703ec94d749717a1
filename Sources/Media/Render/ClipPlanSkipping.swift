extension RenderPlan.ClipPlan {
    /// The same clip without its first `count` frames: what a chunk that starts inside the
    /// clip reads. Output frame n of the clip shows the source at `readStart + (n + ½)/fps`,
    /// so moving `readStart` on by whole frames gives the very frames the whole clip would.
    func skipping(_ count: Int64, rate: FrameRate) -> RenderPlan.ClipPlan {
        guard count > 0 else { return self }
        let fromFrozen = min(count, frozenHeadFrames)
        let fromMedia = count - fromFrozen
        var skipped = RenderPlan.ClipPlan(
            index: index, path: path, info: info, video: video, mediaEnd: mediaEnd,
            readStart: readStart + Double(fromMedia) * Double(rate.denominator) / Double(rate.numerator),
            readEnd: readEnd, frozenHeadFrames: frozenHeadFrames - fromFrozen, frames: frames - count,
            startFrame: startFrame + count, volume: volume)
        skipped.still = still
        return skipped
    }
}
