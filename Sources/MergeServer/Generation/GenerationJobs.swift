import Foundation
import Generation
import Media

/// `create_scenes`: an idea (and lyrics, style) → scenes with prompts; timed on the
/// song's downbeats when a song is given, else 5 s each.
struct CreateScenesJob: JobHandler {
    static let kind = "create_scenes"
    var kind: String { Self.kind }
    let waitsOnProviders = true
    let work: GenerationWork

    func run(_ job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let request = try StoredRequest.decode(CreateScenesRequest.self, job)
        let model = try work.model(request.model, .scenes)
        var spans: [SceneTiming.Span]
        var tempo: Double?
        if let audio = request.audio {
            progress(MediaProgress(fraction: 0, stage: "analyzing"))
            let song = try await StoredRequest.song(audio, assets: work.assets, store: work.store)
            let analysis = try await BlockingWork.run(name: "analyze-song") { flag in try BeatTracker.analyze(song, cancellation: flag) }
            spans = SceneTiming.split(analysis, count: request.numScenes ?? SceneTiming.defaultCount(songDuration: analysis.duration))
            tempo = analysis.tempo
        } else {
            spans = SceneTiming.evenly(count: request.numScenes ?? 6)
        }
        progress(MediaProgress(fraction: 0.2, stage: "planning"))
        let plan = try await work.scenes(ScenePlanRequest(idea: request.idea, lyrics: request.lyrics, style: request.style,
                                                          numScenes: spans.count, model: model), job: job.attempt)
        let scenes = zip(spans, plan.scenes).enumerated().map { index, pair in
            PlannedSceneResult(index: index, description: pair.1.description, prompt: pair.1.prompt,
                               start: MusicVideoPlan.round(pair.0.start), end: MusicVideoPlan.round(pair.0.end),
                               duration: MusicVideoPlan.round(pair.0.duration))
        }
        progress(MediaProgress(fraction: 1, stage: "planning", etaSeconds: 0))
        let result = CreateScenesResult(scenes: scenes, tempo: tempo, model: model.id, isMock: plan.isMock,
                                        cost: try await work.costs.total(job: job.id))
        return JobOutput(result: JobEngine.json(result))
    }
}

/// `generate_character_reference`: a prompt → an image asset.
struct CharacterReferenceJob: JobHandler {
    static let kind = "generate_character_reference"
    var kind: String { Self.kind }
    let waitsOnProviders = true
    let work: GenerationWork

    func run(_ job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let request = try StoredRequest.decode(CharacterReferenceRequest.self, job)
        let model = try work.model(request.model, .image)
        let imageRequest = ImageGenerationRequest(prompt: request.prompt, model: model,
                                                  aspectRatio: request.aspectRatio ?? model.aspectRatios.first ?? "1:1")
        let (asset, generated) = try await work.image(imageRequest, job: job.attempt, progress: StoredRequest.forward(progress))
        let result = GeneratedAssetResult(asset: asset, model: model, generated: generated, cost: try await work.costs.total(job: job.id))
        return JobOutput(result: JobEngine.json(result))
    }
}

/// `generate_video`: a prompt (and start image) → a clip, stored as an asset and
/// served as a video of the job.
struct GenerateVideoJob: JobHandler {
    static let kind = "generate_video"
    var kind: String { Self.kind }
    let waitsOnProviders = true
    let work: GenerationWork
    let videosDirectory: String

    func run(_ job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let request = try StoredRequest.decode(GenerateVideoRequest.self, job)
        let model = try work.model(request.model, .video)
        var image: ReferenceImage?
        if let reference = request.image { image = try await work.referenceImage(reference).image }
        let videoRequest = VideoGenerationRequest(prompt: request.prompt, model: model,
                                                  duration: request.duration ?? model.durations.first ?? SceneTiming.defaultSceneSeconds,
                                                  aspectRatio: request.aspectRatio ?? model.aspectRatios.first ?? "16:9",
                                                  resolution: request.resolution, image: image, seed: request.seed,
                                                  negativePrompt: request.negativePrompt)
        let started = ContinuousClock.now
        let (asset, generated) = try await work.video(videoRequest, job: job.attempt, progress: StoredRequest.forward(progress))
        let video = try await StoredRequest.videoRecord(for: asset, job: job.id, store: work.store, videosDirectory: videosDirectory,
                                                  generation: GenerationInfo(model: model, prompt: request.prompt, generated: generated,
                                                                             seconds: (ContinuousClock.now - started).seconds))
        var result = GeneratedAssetResult(asset: asset, model: model, generated: generated, cost: try await work.costs.total(job: job.id))
        result.videoID = video.id
        result.videoURL = "/api/mv/get_video/\(video.id)"
        return JobOutput(result: JobEngine.json(result), video: video)
    }
}

/// Helpers of the generation jobs.
enum StoredRequest {
    static func decode<T: Decodable>(_ type: T.Type, _ job: JobRecord) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(job.request.utf8))
        } catch {
            throw JobFailure(type: "validation_error", message: "the stored request no longer decodes: \(error)",
                             suggestion: "submit the request again")
        }
    }

    /// The file of a song asset (checked at submission; it may have gone since).
    static func song(_ id: String, assets: AssetRepository, store: AssetStore) async throws -> String {
        guard let asset = try await assets.find(id) else {
            throw JobFailure(type: "validation_error", message: "no asset with id \(id)", suggestion: "upload the song again")
        }
        return store.path(of: asset)
    }

    /// A provider's progress as the job's.
    static func forward(_ progress: @escaping ProgressHandler, from start: Double = 0, to end: Double = 1) -> GenerationProgress {
        { stage, fraction in progress(MediaProgress(fraction: start + (end - start) * min(max(fraction ?? 0, 0), 1), stage: stage)) }
    }

    /// Serves a generated clip as the job's video: a hard link to the asset's file (no
    /// copy, and removing one never removes the other); a copy when the link cannot be
    /// made, written as `.partial` (swept at start-up) and renamed.
    static func videoRecord(for asset: AssetRecord, job: String, store: AssetStore, videosDirectory: String,
                            generation: GenerationInfo) async throws -> VideoRecord {
        let videoID = Identifier.video(forJob: job)
        let source = store.path(of: asset)
        let ext = (source as NSString).pathExtension.isEmpty ? "mp4" : (source as NSString).pathExtension
        let path = (videosDirectory as NSString).appendingPathComponent("\(videoID).\(ext)")
        try await BlockingWork.run(name: "place-video") { _ in
            let partial = path + ".partial"
            try? FileManager.default.removeItem(atPath: partial)
            do {
                if link(source, partial) != 0 { try FileManager.default.copyItem(atPath: source, toPath: partial) }
                // Flushed, renamed, directory flushed: the row committed next never names a lost file.
                try DurableFile.move(partial, to: path)
            } catch {
                try? FileManager.default.removeItem(atPath: partial)
                if InsufficientStorage.isNoSpace(error) { throw InsufficientStorage(reason: "the disk filled up while the video was placed") }
                throw JobFailure(type: "storage_error", message: "could not place the video: \(error)",
                                 suggestion: "check the data directory's disk", transient: true)
            }
        }
        let probe = JSONValue(text: asset.media) ?? .null
        let info = GeneratedVideoInfo(videoID: videoID, jobID: job, assetID: asset.id, probe: probe, generation: generation,
                                      createdAt: Timestamp.iso8601(Date().timeIntervalSince1970))
        return VideoRecord(id: videoID, jobId: job, path: path, sizeBytes: asset.sizeBytes, info: JobEngine.json(info),
                           createdAt: Date().timeIntervalSince1970)
    }
}
