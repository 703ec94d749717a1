import Foundation
import Generation
import Media

/// `generate_video`: a prompt (and start image) → a clip, stored as an asset and
/// served as a video of the job.
struct GenerateVideoJob: JobHandler {
    static let kind = JobKind.generateVideo
    let work: GenerationWork
    let videosDirectory: String

    func run(_ request: GenerateVideoRequest, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let model = try work.model(request.model, .video, for: request.videoNeeds)
        var image: ReferenceImage?
        if let reference = request.image { image = try await work.referenceImage(reference, owner: job.ownerKeyID).image }
        let videoRequest = VideoGenerationRequest(
            prompt: request.prompt, model: model,
            duration: request.duration ?? model.durations.first ?? SceneTiming.defaultSceneSeconds,
            aspectRatio: request.aspectRatio ?? model.aspectRatios.first ?? "16:9",
            resolution: request.resolution, image: image, seed: request.seed,
            negativePrompt: request.negativePrompt)
        let started = ContinuousClock.now
        let (asset, generated) = try await work.video(videoRequest, job: job.attempt, progress: ProgressForwarding.into(progress))
        let video = try await GeneratedVideoPlacement.place(
            asset, job: job, store: work.store, videosDirectory: videosDirectory,
            generation: GenerationInfo(
                model: model, prompt: request.prompt, generated: generated,
                seconds: (ContinuousClock.now - started).seconds))
        var result = GeneratedAssetResult(asset: asset, model: model, generated: generated, cost: try await work.costs.total(job: job.id))
        result.videoID = video.id
        result.videoURL = "/api/mv/get_video/\(video.id)"
        return JobOutput(result: JobEngine.json(result), video: video)
    }
}
