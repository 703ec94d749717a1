import Foundation
import Media

/// How often a music video cuts: `"auto"` follows the song (a scene per section, faster
/// in loud bars, each as long as the model's clips allow), or `{"bars_per_scene": N}`
/// cuts every N bars, on the downbeat.
enum MusicVideoPace: Codable, Sendable, Equatable {
    case auto
    case barsPerScene(Int)
    /// What the request said, when it is neither (reported by the checks, with what to use).
    case unknown(String)

    static let allowedBars = [1, 2, 4, 8]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case barsPerScene = "bars_per_scene"
    }

    init(from decoder: any Decoder) throws {
        if let word = try? decoder.singleValueContainer().decode(String.self) {
            self = word == "auto" ? .auto : .unknown(word)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let bars = try container.decodeWholeNumberIfPresent(forKey: .barsPerScene) else {
            self = .unknown("an object without bars_per_scene")
            return
        }
        self = .barsPerScene(bars)
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .auto, .unknown:
            var container = encoder.singleValueContainer()
            try container.encode("auto")
        case .barsPerScene(let bars):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(bars, forKey: .barsPerScene)
        }
    }

    /// The request's problems with its pace (and with `num_scenes` beside a bar count).
    func problems(numScenes: Int?) -> [FieldProblem] {
        switch self {
        case .auto: return []
        case .unknown(let said):
            return [FieldProblem("pace", "'\(said.prefix(40))' is not a pace; use \"auto\" or {\"bars_per_scene\": 1, 2, 4 or 8}")]
        case .barsPerScene(let bars):
            var problems: [FieldProblem] = []
            if !Self.allowedBars.contains(bars) {
                problems.append(FieldProblem("pace.bars_per_scene", "must be 1, 2, 4 or 8 (got \(bars))"))
            }
            if numScenes != nil {
                problems.append(FieldProblem("num_scenes", "give num_scenes or pace.bars_per_scene, not both: the bars set the number of scenes"))
            }
            return problems
        }
    }
}

/// What a music video does when the provider cannot make one of its clips.
enum ClipFailurePolicy: String, Codable, Sendable, CaseIterable {
    /// The job fails (what was made is kept for a retry).
    case fail
    /// The scene shows the reference image in motion instead, and the result says so.
    case still
}
