import Foundation
import Generation
import Media
import Synchronization

/// `music_video`: idea + song → one finished video, as one job:
/// analyze the song → plan scene timing on its downbeats → write the scenes →
/// a character reference → every clip, in parallel under a limit → merge on the beat.
/// Each finished clip (and the reference) is checkpointed, so a job resumed after a
/// crash or a transient failure pays only for what it has not made yet.
struct MusicVideoJob: JobHandler {
    static let kind = JobKind.musicVideo
    let work: GenerationWork
    let checkpoints: CheckpointRepository
    let renderer: JobVideoRenderer
    /// Clips generated at the same time.
    let concurrency: Int
    /// Attempts per clip when a provider fails transiently.
    var clipRetry = RetryPolicy(maxAttempts: 3, baseDelay: .seconds(2), maxDelay: .seconds(30))

    /// Progress bands of the stages.
    private enum Band {
        static let planning = 0.05, reference = 0.10, clips = 0.20, merging = 0.85
    }

    func run(_ request: MusicVideoRequest, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let videoModel = try work.model(request.model, .video, for: request.videoNeeds)
        let scenesModel = try work.model(request.scenesModel, .scenes, field: "scenes_model")

        progress(MediaProgress(fraction: 0, stage: "analyzing"))
        let analysis = try await work.assets.withSongFile(request.audio, field: "audio", store: work.store) { path in
            try await BeatTracker.analyze(path, on: work.executors.probes)
        }
        let plan = try MusicVideoPlan(analysis: analysis, count: request.numScenes, pace: request.pace, model: videoModel)

        progress(MediaProgress(fraction: Band.planning, stage: "planning"))
        let ideas = try await work.scenes(
            ScenePlanRequest(
                idea: request.idea, lyrics: request.lyrics, style: request.style,
                numScenes: plan.scenes.count, model: scenesModel), job: job.attempt
        ).scenes

        // One frame shape for the reference and the clips: the video model's.
        let aspectRatio = request.aspectRatio ?? videoModel.aspectRatios.first ?? "16:9"
        progress(MediaProgress(fraction: Band.reference, stage: "reference"))
        let reference = try await characterReference(request, aspectRatio: aspectRatio, job: job, progress: progress)

        let clips = try await generateClips(
            plan: plan, ideas: ideas, request: request, model: videoModel, aspectRatio: aspectRatio,
            reference: reference, job: job, progress: progress)

        progress(MediaProgress(fraction: Band.merging, stage: "merging"))
        let timeline = timeline(plan: plan, clips: clips, request: request)
        let prepared: PreparedTimeline
        do {
            prepared = try await PreparedTimeline.prepare(timeline, assets: work.assets, store: work.store)
        } catch let invalid as ValidationFailure {
            // Not the caller's request at fault: what the model made does not fit together.
            throw JobFailure(
                type: "validation_error", message: "the generated clips cannot be merged: \(invalid.description)",
                suggestion: "try another model")
        }
        let (merge, video) = try await renderer.render(prepared, job: job) { step in
            progress(MediaProgress(fraction: Band.merging + (1 - Band.merging) * step.fraction, stage: "merging", etaSeconds: step.etaSeconds))
        }

        let scenes = plan.scenes.map { scene in
            MusicVideoScene(scene: scene, idea: ideas[scene.index], clip: clips[scene.index])
        }
        // The cuts were planned on the song's grid before the render: report that grid.
        let songBeats = analysis.beats.map(MusicVideoPlan.round)
        let withBeats = MergeResult(videoID: merge.videoID, videoURL: merge.videoURL, info: merge.info, cuts: merge.cuts, beats: songBeats)
        let result = MusicVideoResult(
            merge: withBeats, scenes: scenes, tempo: analysis.tempo, referenceAssetID: reference.asset.id,
            models: ["video": videoModel.id, "scenes": scenesModel.id, "image": reference.model],
            isMock: clips.contains { $0.isMock }, cost: try await work.costs.total(job: job.id),
            replacedScenes: clips.enumerated().filter { $0.element.failure != nil }.map(\.offset))
        return JobOutput(result: JobEngine.json(result), video: video)
    }

    /// The image every clip starts from: the request's, or one generated once per job.
    private func characterReference(
        _ request: MusicVideoRequest, aspectRatio: String, job: JobRecord,
        progress: @escaping ProgressHandler
    ) async throws -> (asset: AssetRecord, image: ReferenceImage, model: String) {
        if let given = request.image {
            let (asset, image) = try await work.referenceImage(given, owner: job.ownerKeyID)
            return (asset, image, "given")
        }
        let model = try work.model(request.imageModel, .image, field: "image_model")
        if let id = try await checkpoints.value(job: job.id, key: "reference"), let asset = try await work.assets.find(id) {
            return (asset, try await work.reference(asset), model.id)
        }
        let style = request.style.map { " Style: \($0)." } ?? ""
        let prompt =
            "Character reference sheet for a music video about: \(request.idea).\(style) The main character, full body, front view, even light, plain background, consistent design."
        let imageRequest = ImageGenerationRequest(prompt: prompt, model: model, aspectRatio: aspectRatio)
        let (asset, _) = try await work.image(
            imageRequest, job: job.attempt,
            progress: ProgressForwarding.into(progress, from: Band.reference, to: Band.clips))
        try await checkpoints.save(job.attempt, key: "reference", value: asset.id)
        return (asset, try await work.reference(asset), model.id)
    }

    /// A scene's generated clip, also its checkpoint; or, with `on_clip_failure: still`,
    /// the reference image standing in for a clip the provider could not make (never
    /// checkpointed: a retry of the job tries that clip again).
    struct Clip: Sendable, Codable {
        var assetID: String
        var duration: Double
        var isMock: Bool
        /// Why the scene shows the still instead (nil: a generated clip).
        var failure: String? = nil
    }

    /// Every scene's clip, at most `concurrency` at a time; a clip that fails
    /// transiently — before the provider could have accepted it, so nothing is paid
    /// twice — is tried again on its own, the others keep going. When one fails for
    /// good, no new clip starts but the running ones finish (and are checkpointed, so
    /// a retry of the job keeps what was paid for); then the first error is thrown. With
    /// `on_clip_failure: still` a provider's failure is not that: the scene gets the still.
    private func generateClips(
        plan: MusicVideoPlan, ideas: [SceneIdea], request: MusicVideoRequest, model: CatalogModel,
        aspectRatio: String, reference: (asset: AssetRecord, image: ReferenceImage, model: String), job: JobRecord,
        progress: @escaping ProgressHandler
    ) async throws -> [Clip] {
        let replaceFailures = request.onClipFailure == .still
        let total = plan.scenes.count
        let tracker = ClipProgress(total: total) { fraction in
            progress(MediaProgress(fraction: Band.clips + (Band.merging - Band.clips) * fraction, stage: "generating"))
        }
        return try await withThrowingTaskGroup(of: (Int, Result<Clip, any Error>).self) { group in
            var clips = [Clip?](repeating: nil, count: total)
            var firstError: (any Error)?
            var next = 0
            func startNext() {
                guard next < total, firstError == nil else { return }
                let scene = plan.scenes[next]
                next += 1
                group.addTask {
                    let videoRequest = VideoGenerationRequest(
                        prompt: ideas[scene.index].prompt, model: model,
                        duration: scene.generateDuration, aspectRatio: aspectRatio,
                        resolution: request.resolution, image: reference.image,
                        seed: scene.index + 1)
                    do {
                        let clip = try await clipRetry.run(isRetryable: RetryPolicy.isUnacceptedTransient) {
                            try await self.clip(videoRequest, scene: scene, job: job, tracker: tracker)
                        }
                        return (scene.index, .success(clip))
                    } catch {
                        return (scene.index, .failure(error))
                    }
                }
            }
            for _ in 0..<max(1, concurrency) { startNext() }
            while let (index, outcome) = try await group.next() {
                switch outcome {
                case .success(let clip):
                    clips[index] = clip
                    tracker.finished(index)
                case .failure(let error) where replaceFailures && Self.isClipFailure(error):
                    // The reference image in motion stands in; the other scenes go on.
                    clips[index] = Clip(
                        assetID: reference.asset.id, duration: plan.scenes[index].duration, isMock: false,
                        failure: Self.failureText(error))
                    tracker.finished(index)
                case .failure(let error):
                    firstError = firstError ?? error
                }
                startNext()
            }
            if let firstError { throw firstError }
            return clips.compactMap { $0 }
        }
    }

    /// A failure of the provider to make a clip or hand it over (not a cancel, a spend cap or a store error).
    static func isClipFailure(_ error: any Error) -> Bool {
        error is ProviderError || error is HTTPClientError
    }

    /// A replaced scene's reason, as a failed job would state it.
    static func failureText(_ error: any Error) -> String {
        let failure = JobFailure(error)
        return "\(failure.type): \(failure.message)"
    }

    private func clip(_ request: VideoGenerationRequest, scene: MusicVideoPlan.Scene, job: JobRecord, tracker: ClipProgress) async throws -> Clip {
        let key = "clip.\(scene.index)"
        if let saved = try await checkpoints.value(job: job.id, key: key),
            let clip = try? JSONDecoder().decode(Clip.self, from: Data(saved.utf8)),
            try await work.assets.find(clip.assetID) != nil
        {
            return clip
        }
        let (asset, generated) = try await work.video(request, job: job.attempt) { _, fraction in tracker.update(scene.index, fraction ?? 0) }
        let clip = Clip(assetID: asset.id, duration: asset.info?.duration ?? request.duration, isMock: generated.isMock)
        try await checkpoints.save(job.attempt, key: key, value: JobEngine.json(clip))
        return clip
    }

    /// A still standing in for a failed clip moves, in turn, one of these ways.
    static let stillMotions: [StillMotion] = [.zoomIn, .panRight, .zoomOut, .panLeft]

    /// The clips cut to their scenes, one after another (timing preserve, so the cuts
    /// stay where the plan put them, on the downbeats), under the song, at the size of
    /// the clips the model made; a replaced scene is the reference image in motion.
    private func timeline(plan: MusicVideoPlan, clips: [Clip], request: MusicVideoRequest) -> Timeline {
        let timelineClips = zip(plan.scenes, clips).map { scene, clip in
            guard clip.failure == nil else {
                return Media.Clip(
                    source: clip.assetID, duration: scene.duration, motion: Self.stillMotions[scene.index % Self.stillMotions.count],
                    motionStrength: 0.15)
            }
            return Media.Clip(source: clip.assetID, in: 0, out: min(scene.duration, clip.duration))
        }
        // Each join: the section transition where the song's section changes, else the one within a section.
        let transitions = plan.scenes.dropLast().map { scene in
            let chosen =
                plan.isSectionChange(afterScene: scene.index) ? request.transition?.section ?? request.transition?.within : request.transition?.within
            guard let chosen, chosen.type != "cut" else { return Transition.cut }
            let shorter = min(scene.duration, plan.scenes[scene.index + 1].duration)
            return Transition(type: chosen.type, duration: min(chosen.duration ?? 0.3, shorter / 2.5))
        }
        return Timeline(
            clips: timelineClips, transitions: transitions, timing: .preserve,
            audio: Soundtrack(source: request.audio, fadeOut: min(1.5, plan.analysis.duration / 10), clipAudio: .mute),
            output: OutputSettings(fps: 30, fit: .cover))
    }
}

/// Progress over all clips: each reports its own fraction; finished ones count whole.
final class ClipProgress: Sendable {
    private let fractions: Mutex<[Double]>
    private let report: @Sendable (Double) -> Void

    init(total: Int, report: @escaping @Sendable (Double) -> Void) {
        fractions = Mutex([Double](repeating: 0, count: total))
        self.report = report
    }

    /// A clip's own progress, kept under 95 % until it is stored.
    func update(_ index: Int, _ fraction: Double) {
        set(index) { max($0, min(max(fraction, 0), 1) * 0.95) }
    }

    func finished(_ index: Int) { set(index) { _ in 1 } }

    private func set(_ index: Int, _ change: (Double) -> Double) {
        let overall = fractions.withLock { all in
            all[index] = change(all[index])
            return all.reduce(0, +) / Double(max(all.count, 1))
        }
        report(overall)
    }
}

struct MusicVideoScene: Codable {
    var index: Int
    var start: Double
    var end: Double
    var duration: Double
    var generateDuration: Double
    var description: String
    var prompt: String
    var clipAssetID: String
    var isMock: Bool
    /// The provider could not make this scene's clip: the reference image in motion is shown (`on_clip_failure: still`).
    var replacedByStill: Bool
    var failure: String?

    enum CodingKeys: String, CodingKey {
        case index, start, end, duration
        case generateDuration = "generate_duration"
        case description, prompt
        case clipAssetID = "clip_asset_id"
        case isMock = "is_mock"
        case replacedByStill = "replaced_by_still"
        case failure
    }

    init(scene: MusicVideoPlan.Scene, idea: SceneIdea, clip: MusicVideoJob.Clip) {
        index = scene.index
        start = scene.start
        end = scene.end
        duration = scene.duration
        generateDuration = scene.generateDuration
        description = idea.description
        prompt = idea.prompt
        clipAssetID = clip.assetID
        isMock = clip.isMock
        replacedByStill = clip.failure != nil
        failure = clip.failure
    }
}

struct MusicVideoResult: Encodable {
    var merge: MergeResult
    var scenes: [MusicVideoScene]
    var tempo: Double
    var referenceAssetID: String?
    var models: [String: String]
    var isMock: Bool
    var cost: CostRepository.JobTotal
    /// The scenes whose clip the reference image replaced.
    var replacedScenes: [Int]

    enum CodingKeys: String, CodingKey {
        case scenes, tempo
        case referenceAssetID = "reference_asset_id"
        case models
        case isMock = "is_mock"
        case cost
        case replacedScenes = "replaced_scenes"
    }

    /// The merge's fields (`video_id`, `video_url`, `info`, `cuts`, `beats`) at the top, then ours.
    func encode(to encoder: any Encoder) throws {
        try merge.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scenes, forKey: .scenes)
        try container.encode(tempo, forKey: .tempo)
        try container.encode(referenceAssetID, forKey: .referenceAssetID)
        try container.encode(models, forKey: .models)
        try container.encode(isMock, forKey: .isMock)
        try container.encode(cost, forKey: .cost)
        try container.encode(replacedScenes, forKey: .replacedScenes)
    }
}
