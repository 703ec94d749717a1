import Foundation
import Media

/// The body of `analyze_audio`: a song (asset id) and, for a scene plan, the clip
/// durations the generation model can make.
struct AnalyzeAudioRequest: Codable, Sendable {
    var audio: String
    var sceneDurations: [Double]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case audio, sceneDurations = "scene_durations"
    }

    /// Field problems with the request itself (the asset is checked separately).
    var problems: [FieldProblem] {
        guard let durations = sceneDurations else { return [] }
        if durations.isEmpty { return [FieldProblem("scene_durations", "give at least one duration, or leave it out")] }
        if durations.count > 16 { return [FieldProblem("scene_durations", "give at most 16 durations")] }
        return durations.enumerated().compactMap { index, value in
            value.isFinite && value >= 0.5 && value <= 600
                ? nil : FieldProblem("scene_durations[\(index)]", "must be 0.5…600 seconds (got \(value))")
        }
    }
}

/// `analyze_audio`: tempo, beats, downbeats and confidence of a song, with a scene plan
/// when durations are given.
struct AnalyzeAudioJob: JobHandler {
    static let kind = "analyze_audio"
    var kind: String { Self.kind }
    let assets: AssetRepository
    let store: AssetStore

    func run(_ job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let request = try StoredRequest.decode(AnalyzeAudioRequest.self, job)
        let path = try await StoredRequest.song(request.audio, assets: assets, store: store)
        progress(MediaProgress(fraction: 0, stage: "analyzing"))
        let analysis = try await BlockingWork.run(name: "analyze-audio") { flag in
            try BeatTracker.analyze(path, cancellation: flag)
        }
        let scenes = try request.sceneDurations.map { durations throws(MediaError) in
            try SceneSlotPlanner.plan(analysis, durations: durations)
        }
        progress(MediaProgress(fraction: 1, stage: "analyzing", etaSeconds: 0))
        return JobOutput(result: JobEngine.json(BeatsOutput(analysis: analysis, scenes: scenes)))
    }
}
