import Foundation
import Media

/// The body of `analyze_audio`: a song (asset id) and, for a scene plan, the clip
/// durations the generation model can make.
struct AnalyzeAudioRequest: Codable, Sendable {
    var audio: String
    var sceneDurations: [Double]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case audio
        case sceneDurations = "scene_durations"
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
