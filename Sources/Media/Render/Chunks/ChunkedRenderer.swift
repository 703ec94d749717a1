import Foundation
import Synchronization

/// A chunked render on one machine: the sound and every chunk's video rendered at once
/// on `executor` (as many at a time as it is wide), then joined. What the job layer does
/// with child jobs on other workers, done locally; the command line's `--parallel`.
public enum ChunkedRenderer {
    /// Renders `plan` to `path` in chunks of about `chunkSeconds`; a plan that makes one
    /// chunk renders in one pass. The chunk files live in a hidden directory beside `path`,
    /// removed at the end whatever happens. Cancelling the task stops every part.
    public static func render(
        _ plan: RenderPlan, to path: String, chunkSeconds: Double, on executor: MediaExecutor,
        progress: ProgressHandler? = nil
    ) async throws(MediaError) -> RenderResult {
        let chunkPlan = try await executor.run("plan-chunks") { _ throws(MediaError) in try ChunkPlanner.plan(plan, chunkSeconds: chunkSeconds) }
        guard chunkPlan.isChunked else {
            return try await executor.run("render") { flag throws(MediaError) in
                try TimelineRenderer.render(plan, to: path, progress: progress, cancellation: flag)
            }
        }
        try OutputContainer.checkWritableDestination(path)
        let url = URL(fileURLWithPath: path)
        let scratch = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).chunks-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false)
        } catch {
            throw MediaError(.outputNotWritable, "cannot make the chunk directory \(scratch): \(error)", path: path)
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let suffix = plan.container.rawValue
        let soundtrackPath = "\(scratch)/soundtrack.\(suffix)"
        let chunkPaths = chunkPlan.chunks.map { "\(scratch)/chunk-\($0.index).\(suffix)" }
        let tracker = PartProgress(chunkPlan: chunkPlan, handler: progress)

        // The sound first: it starts with the first chunks instead of after the last.
        let parts = await withTaskGroup(of: Result<SoundtrackRender?, MediaError>.self) { group -> Result<SoundtrackRender, MediaError> in
            group.addTask {
                do throws(MediaError) {
                    return .success(
                        try await executor.run("render-audio") { flag throws(MediaError) in
                            try TimelineRenderer.renderSoundtrack(plan, to: soundtrackPath, cancellation: flag)
                        })
                } catch { return .failure(error) }
            }
            for chunk in chunkPlan.chunks {
                group.addTask {
                    do throws(MediaError) {
                        _ = try await executor.run("render-chunk-\(chunk.index)") { flag throws(MediaError) in
                            try TimelineRenderer.renderChunk(
                                chunk, of: chunkPlan, to: chunkPaths[chunk.index],
                                progress: { tracker.report(chunk: chunk.index, fraction: $0.fraction) }, cancellation: flag)
                        }
                        return .success(nil)
                    } catch { return .failure(error) }
                }
            }
            var soundtrack: SoundtrackRender?
            var failure: MediaError?
            for await result in group {
                switch result {
                case .success(let rendered): soundtrack = rendered ?? soundtrack
                case .failure(let error):
                    // The first failure stops the other parts; theirs are only echoes of the cancel.
                    if failure == nil || failure?.kind == .cancelled { failure = error }
                    group.cancelAll()
                }
            }
            if Task.isCancelled { return .failure(MediaError.cancelled(path)) }
            if let failure { return .failure(failure) }
            guard let soundtrack else { return .failure(MediaError(.ffmpeg, "internal: the soundtrack render returned nothing")) }
            return .success(soundtrack)
        }
        let soundtrack = try parts.get()

        var result = try await executor.run("join") { flag throws(MediaError) in
            try ChunkJoiner.join(
                chunkPlan, chunks: chunkPaths, soundtrack: soundtrack, to: path,
                progress: { tracker.reportJoin($0.fraction) }, cancellation: flag)
        }
        result.elapsedSeconds = tracker.elapsedSeconds
        return result
    }
}

/// One fraction for a chunked render from its parts': chunks by their frames, then the join.
private final class PartProgress: Sendable {
    private let handler: ProgressHandler?
    private let weights: [Double]
    private let done: Mutex<[Double]>
    private let started = ContinuousClock.now
    /// The share of the whole the join stands for (it copies, so it is quick).
    private static let joinShare = 0.05

    init(chunkPlan: ChunkPlan, handler: ProgressHandler?) {
        self.handler = handler
        let total = Double(max(1, chunkPlan.plan.totalFrames))
        weights = chunkPlan.chunks.map { Double($0.frameCount) / total * (1 - Self.joinShare) }
        done = Mutex(Array(repeating: 0, count: chunkPlan.chunks.count))
    }

    var elapsedSeconds: Double { (ContinuousClock.now - started).seconds }

    func report(chunk: Int, fraction: Double) {
        let rendered = done.withLock { done in
            done[chunk] = fraction
            return zip(done, weights).reduce(0) { $0 + $1.0 * $1.1 }
        }
        send(rendered)
    }

    func reportJoin(_ fraction: Double) { send(1 - Self.joinShare + Self.joinShare * fraction) }

    private func send(_ fraction: Double) {
        guard let handler else { return }
        let elapsed = elapsedSeconds
        handler(MediaProgress(fraction: fraction, stage: "rendering", etaSeconds: fraction > 0.01 ? elapsed * (1 - fraction) / fraction : nil))
    }
}
