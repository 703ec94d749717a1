import Foundation

/// Splits a render into chunks of about `chunkSeconds` that can be encoded apart and joined
/// by stream copy. Seams go on joins that are hard cuts where there is one near, else on a
/// frame inside a clip where every render forces a keyframe (`ForcedKeyframes`); never
/// inside a transition. Chunks are balanced (equal lengths as far as the seams allow), so workers
/// finish together.
public enum ChunkPlanner {
    /// `MERGE_SERVER_CHUNK_SECONDS`: timelines longer than this are chunked.
    public static let environmentVariable = "MERGE_SERVER_CHUNK_SECONDS"
    public static let defaultChunkSeconds = 120.0
    /// One keyframe interval: shorter chunks cost more in encoder start-up and seams than they gain.
    public static let minimumChunkSeconds = VideoEncoderSettings.defaultKeyframeIntervalSeconds
    /// A keyframe seam inside a clip stays this far from the end of its media, where a
    /// stream's stated length may run past its last picture.
    static let mediaMargin = 0.5

    /// The chunk length from `MERGE_SERVER_CHUNK_SECONDS`, else the default.
    public static func chunkSeconds(environment: [String: String] = ProcessInfo.processInfo.environment) throws(MediaError) -> Double {
        guard let text = environment[environmentVariable] else { return defaultChunkSeconds }
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)) else {
            throw MediaError(.invalidArgument, "\(environmentVariable)=\(text) is not a number of seconds; set it to e.g. 120")
        }
        try check(seconds)
        return seconds
    }

    /// The chunks of `plan`. A render no longer than `chunkSeconds`, or one whose video is a
    /// stream copy already (the fast path), is one chunk.
    public static func plan(_ plan: RenderPlan, chunkSeconds: Double) throws(MediaError) -> ChunkPlan {
        try check(chunkSeconds)
        let total = plan.totalFrames
        let target = max(1, Int64((chunkSeconds * plan.frameRate.value).rounded()))
        let whole = ChunkPlan(plan: plan, chunkSeconds: chunkSeconds, chunks: [.init(index: 0, startFrame: 0, endFrame: total, boundary: .start)])
        guard total > target, VideoCopy.compatibleStream(for: plan) == nil else { return whole }

        let count = (total + target - 1) / target
        let spacing = Double(total) / Double(count)
        let tolerance = max(1, Int64(spacing / 4))
        let cuts = plan.joins.indices.filter { plan.joins[$0].frames == 0 }.map { plan.clips[$0 + 1].startFrame }
        var seams: [(frame: Int64, boundary: ChunkPlan.Chunk.Boundary)] = []
        var previous: Int64 = 0
        for index in 1..<count {
            let ideal = Int64((spacing * Double(index)).rounded())
            let nearestCut = cuts.filter { $0 > previous && $0 < total && abs($0 - ideal) <= tolerance }
                .min { abs($0 - ideal) < abs($1 - ideal) }
            if let cut = nearestCut {
                seams.append((cut, .cut))
                previous = cut
            } else if let frame = keyframeSeam(near: ideal, within: tolerance, after: previous, in: plan) {
                seams.append((frame, .keyframe))
                previous = frame
            }
            // Else nothing can be cut near here (a transition longer than the window): the chunk grows.
        }
        var chunks: [ChunkPlan.Chunk] = []
        var start: (frame: Int64, boundary: ChunkPlan.Chunk.Boundary) = (0, .start)
        for seam in seams + [(total, .cut)] {
            chunks.append(.init(index: chunks.count, startFrame: start.frame, endFrame: seam.frame, boundary: start.boundary))
            start = seam
        }
        return ChunkPlan(plan: plan, chunkSeconds: chunkSeconds, chunks: chunks)
    }

    static func check(_ seconds: Double) throws(MediaError) {
        guard seconds.isFinite, seconds >= minimumChunkSeconds else {
            throw MediaError(
                .invalidArgument,
                "a chunk length of \(seconds) s makes no sense; give a number of seconds of at least \(Int(minimumChunkSeconds)), e.g. 120")
        }
    }

    /// The keyframe-grid frame nearest `ideal` (within `tolerance`, or one keyframe interval,
    /// after `previous`) where a chunk may start inside a clip: not in a transition, and with
    /// its picture well inside the clip's media. Every render forces a keyframe on the grid
    /// (`ForcedKeyframes`), so a one-pass render starts a GOP there too.
    private static func keyframeSeam(near ideal: Int64, within tolerance: Int64, after previous: Int64, in plan: RenderPlan) -> Int64? {
        let interval = VideoEncoderSettings.keyframeInterval(plan.frameRate)
        let reach = max(tolerance, interval)
        let lowest = max(previous + 1, ideal - reach)
        let highest = min(plan.totalFrames - 1, ideal + reach)
        guard lowest <= highest else { return nil }
        let first = (lowest + interval - 1) / interval * interval
        let grid = stride(from: first, through: highest, by: Int(interval)).sorted { abs($0 - ideal) < abs($1 - ideal) }
        for frame in grid {
            guard let position = VideoFrameRange.position(of: frame, in: plan) else { continue }
            let clip = plan.clips[position.clip]
            guard clip.skipping(position.offset, rate: plan.frameRate).readStart <= clip.readEnd - mediaMargin else { continue }
            return frame
        }
        return nil
    }
}
