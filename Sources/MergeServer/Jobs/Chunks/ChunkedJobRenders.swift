import Foundation
import Media

/// A render as child jobs: a timeline longer than `chunkSeconds` that `ChunkPlanner` splits
/// into two or more chunks is rendered by `render_chunk` children — one per chunk's video,
/// one for the whole sound — that any worker claims, then joined by stream copy into the
/// parent's own output file. The parent works on its own children in its slot meanwhile
/// (claimed through the fenced claim, run by the engine as a worker would), so no worker
/// sits idle and a key limited to one job at a time cannot deadlock.
///
/// Children are made with idempotency keys derived from the parent, so a parent run again
/// (after a crash, a shutdown or a retry) finds the children it made and reuses those that
/// succeeded. A child that fails for good fails the parent; canceling the parent cancels
/// the children (`JobRepository.requestCancel`); they are deleted with it.
struct ChunkedJobRenders: Sendable {
    let jobs: JobRepository
    let engine: EngineLink
    /// Where the plan and the parts are (see `ChunkFolder`).
    let media: MediaLibrary
    let executors: MediaExecutors
    /// `MERGE_SERVER_CHUNK_SECONDS`: timelines longer than this are chunked.
    let chunkSeconds: Double
    /// How often the parent looks at its children when it has none to run itself.
    var pollInterval: Duration = .milliseconds(200)

    /// One chunk of the result, as `merge_videos` reports it (`result.chunks`).
    struct Report: Codable, Sendable, Equatable {
        let index: Int
        /// Seconds into the output where the chunk starts, and its length.
        let start: Double
        let duration: Double
        let frames: Int64
        /// What is at the chunk's first frame: `start`, a hard `cut`, or a forced `keyframe`.
        let seam: String
        /// The `render_chunk` job that rendered it.
        let jobID: String

        enum CodingKeys: String, CodingKey {
            case index, start, duration, frames, seam
            case jobID = "job_id"
        }
    }

    /// The chunk plan of `job`'s render, or nil when it renders in one pass. A job run
    /// again takes the plan it stored the first time: its children were made from it.
    /// `sourceKeys`: the storage keys of sources read from a bucket's cache, by path.
    func plan(_ plan: RenderPlan, for job: JobRecord, sourceKeys: [String: String]) async throws -> ChunkPlan? {
        let folder = ChunkFolder(media: media, job: job.id)
        if let stored = try await folder.readPlan(), stored.isChunked { return stored }
        let chunkPlan = try ChunkPlanner.plan(plan, chunkSeconds: chunkSeconds)
        guard chunkPlan.isChunked else { return nil }
        try await folder.write(chunkPlan, sourceKeys: sourceKeys)
        return chunkPlan
    }

    /// Renders `chunkPlan` through child jobs and joins their files into `path`.
    func render(
        _ chunkPlan: ChunkPlan, job: JobRecord, to path: String, progress: @escaping ProgressHandler
    ) async throws -> (RenderResult, [Report]) {
        guard let engine = engine.engine else {
            throw JobFailure(type: "internal_error", message: "no job engine runs this server's chunked renders", transient: true)
        }
        let folder = ChunkFolder(media: media, job: job.id)
        let parts = chunkPlan.chunks.map { RenderChunkRequest.video($0.index, of: job.id) } + [.sound(of: job.id)]
        do {
            let children = try await withTaskCancellationHandler {
                try await makeChildren(parts, of: job)
                engine.wake(kind: JobKind.renderChunk.rawValue)
                return try await workOnChildren(of: job, parts: parts, plan: chunkPlan, engine: engine, progress: progress)
            } onCancel: {
                // A cancel stops the parts this process runs now (other workers see theirs at their next beat).
                Task { await stopChildrenIfCanceled(job.id, engine: engine) }
            }
            progress(MediaProgress(fraction: 0.95, stage: "joining"))
            let container = chunkPlan.plan.container
            let sound = ChunkFolder.soundName(container: container)
            let chunkNames = chunkPlan.chunks.map { ChunkFolder.chunkName($0.index, container: container) }
            let result = try await folder.withParts(chunkNames + [sound]) { files in
                let soundtrack = try soundtrack(from: children, at: files[files.count - 1])
                return try await executors.renders.run("join") { flag throws(MediaError) in
                    try ChunkJoiner.join(
                        chunkPlan, chunks: Array(files.dropLast()), soundtrack: soundtrack, to: path,
                        progress: { progress(MediaProgress(fraction: 0.95 + 0.05 * $0.fraction, stage: "joining")) }, cancellation: flag)
                }
            }
            await folder.remove()
            return (result, reports(chunkPlan, children: children))
        } catch {
            // A canceled render leaves nothing once its parts have stopped; a failed one keeps
            // them for a retry (they go with the job at the end of its retention).
            if (try? await jobs.find(job.id))??.cancelRequested == true {
                let (jobs, wait) = (jobs, engine.settings.leaseSeconds * 2)
                Task.detached { await Self.removeWhenChildrenEnd(folder, of: job.id, jobs: jobs, waitingUpTo: wait) }
            }
            throw error
        }
    }

    /// Queues every part not made yet; a part that failed in an earlier run of the parent
    /// (not one quarantined as crashed) is queued again.
    private func makeChildren(_ parts: [RenderChunkRequest], of job: JobRecord) async throws {
        for part in parts {
            let outcome = try await jobs.enqueue(
                kind: JobKind.renderChunk.rawValue, request: part.json, idempotencyKey: part.idempotencyKey,
                maxAttempts: job.maxAttempts, owner: job.ownerKeyID, parent: job.id)
            if case .existing(let child) = outcome, child.status == .failed, child.failure?.type != "crashed" {
                _ = try await jobs.retry(child.id)
            }
        }
    }

    /// Runs due children here until every one succeeded (and returns them), or one failed.
    private func workOnChildren(
        of job: JobRecord, parts: [RenderChunkRequest], plan: ChunkPlan, engine: JobEngine, progress: @escaping ProgressHandler
    ) async throws -> [JobRecord] {
        let weights = partWeights(plan)
        while true {
            try Task.checkCancellation()
            let children = try await jobs.children(of: job.id)
            if let ended = children.first(where: { $0.status == .failed || $0.status == .canceled }) {
                throw failure(of: ended)
            }
            if children.count >= parts.count, children.allSatisfy({ $0.status == .succeeded }) { return children }
            progress(Self.fraction(of: children, weights: weights))
            let ran = try await withThrowingTaskGroup(of: Bool?.self) { group in
                group.addTask {
                    try await engine.runClaimed { mine in
                        try await jobs.claimChild(of: job.id, owner: engine.owner, leaseSeconds: engine.settings.leaseSeconds, excluding: mine)
                    }
                }
                // While a part runs here, the parent's progress follows every part's, once a second.
                group.addTask {
                    while (try? await Task.sleep(for: .seconds(1))) != nil {
                        if let children = try? await jobs.children(of: job.id) { progress(Self.fraction(of: children, weights: weights)) }
                    }
                    return nil
                }
                for try await ran in group {
                    if let ran {
                        group.cancelAll()
                        return ran
                    }
                }
                return false
            }
            if !ran { try await Task.sleep(for: pollInterval) }
        }
    }

    /// The render's progress from its parts': each by its share, the join the last 5 %.
    private static func fraction(of children: [JobRecord], weights: [Int: Double]) -> MediaProgress {
        let done = children.reduce(0.0) { sum, child in
            sum + (child.status == .succeeded ? 1 : child.progress) * (weights[part(of: child)?.index ?? -1] ?? 0)
        }
        return MediaProgress(fraction: 0.95 * done, stage: "rendering chunks")
    }

    /// Each part's share of the render: video chunks by their frames, the sound a tenth.
    /// Keyed by chunk index; the sound under -1.
    private func partWeights(_ plan: ChunkPlan) -> [Int: Double] {
        let total = Double(max(1, plan.plan.totalFrames))
        var weights = Dictionary(uniqueKeysWithValues: plan.chunks.map { ($0.index, 0.9 * Double($0.frameCount) / total) })
        weights[-1] = 0.1
        return weights
    }

    private static func part(of child: JobRecord) -> RenderChunkRequest? {
        try? JSONDecoder().decode(RenderChunkRequest.self, from: Data(child.request.utf8))
    }

    private func failure(of child: JobRecord) -> JobFailure {
        let name = Self.part(of: child).map { $0.part == .sound ? "the sound" : "chunk \($0.index ?? 0)" } ?? "a part"
        let cause = child.failure
        return JobFailure(
            type: cause?.type ?? "render_failed",
            message: "\(name) of the chunked render (job \(child.id)) \(child.status == .canceled ? "was canceled" : "failed")"
                + (cause.map { ": \($0.message)" } ?? ""),
            suggestion: cause?.suggestion ?? "retry the render with POST /api/jobs/{id}/retry; the parts that succeeded are kept")
    }

    private func soundtrack(from children: [JobRecord], at path: String) throws -> SoundtrackRender {
        let result = children.first { Self.part(of: $0)?.part == .sound }
            .flatMap { $0.result }
            .flatMap { try? JSONDecoder().decode(RenderChunkResult.self, from: Data($0.utf8)) }
        guard let result else {
            throw JobFailure(type: "internal_error", message: "the sound part of the chunked render left no result", transient: true)
        }
        return SoundtrackRender(
            path: path, measuredLoudness: result.measuredLoudness, loudnessGain: result.loudnessGain)
    }

    private func reports(_ chunkPlan: ChunkPlan, children: [JobRecord]) -> [Report] {
        var jobIDs: [Int: String] = [:]
        for child in children {
            if let part = Self.part(of: child), part.part == .video, let index = part.index { jobIDs[index] = child.id }
        }
        let rate = chunkPlan.plan.frameRate.value
        return chunkPlan.chunks.map { chunk in
            Report(
                index: chunk.index, start: (Double(chunk.startFrame) / rate * 1000).rounded() / 1000,
                duration: (Double(chunk.frameCount) / rate * 1000).rounded() / 1000, frames: chunk.frameCount,
                seam: chunk.boundary.rawValue, jobID: jobIDs[chunk.index] ?? "")
        }
    }

    /// Removes a canceled render's folder once none of its parts runs any more (a part that
    /// started just before the cancel would otherwise find its plan gone and fail), or after
    /// `waitingUpTo` seconds, by when a part whose worker died has lost its lease.
    private static func removeWhenChildrenEnd(_ folder: ChunkFolder, of parent: String, jobs: JobRepository, waitingUpTo seconds: Double) async {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            guard let children = try? await jobs.children(of: parent), children.contains(where: { !$0.status.isFinal }) else { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
        await folder.remove()
    }

    /// After the parent's task was cancelled: if a cancel was asked for (not a shutdown or a
    /// lost lease), stop the children running in this process now.
    private func stopChildrenIfCanceled(_ parent: String, engine: JobEngine) async {
        guard (try? await jobs.find(parent))?.cancelRequested == true else { return }
        for child in (try? await jobs.children(of: parent)) ?? [] where !child.status.isFinal {
            _ = try? await engine.cancel(child.id)
        }
    }
}
