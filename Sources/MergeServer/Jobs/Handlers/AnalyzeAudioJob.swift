import Foundation
import Media

/// `analyze_audio`: tempo, beats, downbeats and confidence of a song, with a scene plan
/// when durations are given.
struct AnalyzeAudioJob: JobHandler {
    static let kind = JobKind.analyzeAudio
    let assets: AssetRepository
    let store: AssetStore
    let probes: MediaExecutor

    func run(_ request: AnalyzeAudioRequest, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        progress(MediaProgress(fraction: 0, stage: "analyzing"))
        let analysis = try await assets.withSongFile(request.audio, field: "audio", store: store) { path in
            try await BeatTracker.analyze(path, on: probes)
        }
        let scenes = try request.sceneDurations.map { durations throws(MediaError) in
            try SceneSlotPlanner.plan(analysis, durations: durations)
        }
        progress(MediaProgress(fraction: 1, stage: "analyzing", etaSeconds: 0))
        return JobOutput(result: JobEngine.json(BeatsOutput(analysis: analysis, scenes: scenes)))
    }
}
