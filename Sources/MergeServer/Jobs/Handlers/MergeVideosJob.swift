import Foundation
import Generation
import Media

/// `merge_videos`: renders the job's timeline into `videos/<video id>.<container>`.
/// The path depends only on the job, so a job run again after a crash writes the same
/// file (the renderer writes a temporary file and renames it): never two outputs.
struct MergeVideosJob: JobHandler {
    static let kind = JobKind.mergeVideos
    let assets: AssetRepository
    let store: AssetStore
    let renderer: JobVideoRenderer
    /// Fetches URL sources into the asset store before the render.
    let fetcher: RemoteAssetFetcher
    /// What API callers may ask for: a timeline of URL sources is validated in full only here.
    let limits: ServerLimits

    func run(_ timeline: Timeline, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let fetched = try await PreparedTimeline.fetchingURLSources(timeline, with: fetcher, owner: job.ownerKeyID)
        let prepared = try await PreparedTimeline.prepare(
            fetched, limits: limits.timeline, maxSongSeconds: limits.maxSongSeconds,
            assets: assets, store: store)
        let (result, video) = try await renderer.render(prepared, job: job, progress: progress)
        return JobOutput(result: JobEngine.json(result), video: video)
    }
}
