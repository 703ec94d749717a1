import Foundation
import Generation
import Media

/// `create_scenes`: an idea (and lyrics, style) → scenes with prompts; timed on the
/// song's downbeats when a song is given, else 5 s each.
struct CreateScenesJob: JobHandler {
    static let kind = JobKind.createScenes
    let work: GenerationWork

    func run(_ request: CreateScenesRequest, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let model = try work.model(request.model, .scenes)
        var spans: [SceneTiming.Span]
        var tempo: Double?
        if let audio = request.audio {
            progress(MediaProgress(fraction: 0, stage: "analyzing"))
            let analysis = try await work.assets.withSongFile(audio, field: "audio", store: work.store) { path in
                try await BeatTracker.analyze(path, on: work.executors.probes)
            }
            spans = SceneTiming.split(analysis, count: request.numScenes ?? SceneTiming.defaultCount(songDuration: analysis.duration))
            tempo = analysis.tempo
        } else {
            spans = SceneTiming.evenly(count: request.numScenes ?? 6)
        }
        progress(MediaProgress(fraction: 0.2, stage: "planning"))
        let plan = try await work.scenes(
            ScenePlanRequest(
                idea: request.idea, lyrics: request.lyrics, style: request.style,
                numScenes: spans.count, model: model), job: job.attempt)
        let scenes = zip(spans, plan.scenes).enumerated().map { index, pair in
            PlannedSceneResult(
                index: index, description: pair.1.description, prompt: pair.1.prompt,
                start: MusicVideoPlan.round(pair.0.start), end: MusicVideoPlan.round(pair.0.end),
                duration: MusicVideoPlan.round(pair.0.duration))
        }
        progress(MediaProgress(fraction: 1, stage: "planning", etaSeconds: 0))
        let result = CreateScenesResult(
            scenes: scenes, tempo: tempo, model: model.id, isMock: plan.isMock,
            cost: try await work.costs.total(job: job.id))
        return JobOutput(result: JobEngine.json(result))
    }
}
