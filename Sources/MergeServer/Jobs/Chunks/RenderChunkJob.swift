import Foundation
import Media

/// `render_chunk`: renders one part of a chunked render from the plan its parent stored:
/// a chunk's video (`TimelineRenderer.renderChunk`: the render's encoder settings, a
/// closed GOP from its first frame) or the whole sound (`renderSoundtrack`). The file's
/// name depends only on the part, and is written through a temporary name (and, to a
/// bucket, uploaded whole), so a part run again overwrites itself; the parent joins the
/// files when every part succeeded.
struct RenderChunkJob: JobHandler {
    static let kind = JobKind.renderChunk
    /// Where the plan and the parts are (see `ChunkFolder`).
    let media: MediaLibrary
    let executors: MediaExecutors

    func run(_ request: RenderChunkRequest, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let folder = ChunkFolder(media: media, job: request.parentID)
        guard let stored = try await folder.readPlan() else {
            throw JobFailure(
                type: "render_failed", message: "the chunk plan of job \(request.parentID) is gone (the render ended or was removed)",
                suggestion: "submit the render again")
        }
        let container = stored.plan.container
        let result: RenderChunkResult
        switch request.part {
        case .video:
            guard let index = request.index, stored.chunks.indices.contains(index) else {
                throw JobFailure(
                    type: "validation_error",
                    message: "chunk \(request.index.map(String.init) ?? "(none)") is not a chunk of job \(request.parentID)'s plan")
            }
            let name = ChunkFolder.chunkName(index, container: container)
            let path = try folder.partPath(name, renderedBy: job.id)
            let rendered = try await folder.withSources(of: stored) { chunkPlan in
                try await executors.renders.run("render-chunk-\(index)") { flag throws(MediaError) in
                    try TimelineRenderer.renderChunk(chunkPlan.chunks[index], of: chunkPlan, to: path, progress: progress, cancellation: flag)
                }
            }
            try await folder.publishPart(name, from: path)
            result = RenderChunkResult(
                part: .video, index: index, startFrame: rendered.startFrame, endFrame: rendered.endFrame, measuredLoudness: nil,
                loudnessGain: nil, sizeBytes: rendered.sizeBytes, elapsedSeconds: (rendered.elapsedSeconds * 1000).rounded() / 1000)
        case .sound:
            let name = ChunkFolder.soundName(container: container)
            let path = try folder.partPath(name, renderedBy: job.id)
            let rendered = try await folder.withSources(of: stored) { chunkPlan in
                try await executors.renders.run("render-sound") { flag throws(MediaError) in
                    try TimelineRenderer.renderSoundtrack(chunkPlan.plan, to: path, progress: progress, cancellation: flag)
                }
            }
            try await folder.publishPart(name, from: path)
            result = RenderChunkResult(
                part: .sound, index: nil, startFrame: nil, endFrame: nil, measuredLoudness: rendered.measuredLoudness,
                loudnessGain: rendered.loudnessGain, sizeBytes: rendered.sizeBytes,
                elapsedSeconds: (rendered.elapsedSeconds * 1000).rounded() / 1000)
        }
        return JobOutput(result: JobEngine.json(result))
    }
}
