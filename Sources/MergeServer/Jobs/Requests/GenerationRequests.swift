import Foundation
import Generation
import Media

/// The bodies of the `/api/mv` generation endpoints (snake_case, unknown fields refused).

struct CreateScenesRequest: Codable, Sendable {
    var idea: String
    var lyrics: String?
    var audio: String?
    var numScenes: Int?
    var style: String?
    var model: String?
    var budgetUSD: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case idea, lyrics, audio
        case numScenes = "num_scenes"
        case style, model
        case budgetUSD = "budget_usd"
    }
}

struct CharacterReferenceRequest: Codable, Sendable {
    var prompt: String
    var aspectRatio: String?
    var model: String?
    var budgetUSD: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case prompt
        case aspectRatio = "aspect_ratio"
        case model
        case budgetUSD = "budget_usd"
    }
}

struct GenerateVideoRequest: Codable, Sendable {
    var prompt: String
    var model: String?
    var duration: Double?
    var aspectRatio: String?
    var resolution: String?
    /// The start frame / reference: an image asset id or an http(s) URL.
    var image: String?
    var seed: Int?
    var negativePrompt: String?
    var budgetUSD: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case prompt, model, duration
        case aspectRatio = "aspect_ratio"
        case resolution, image, seed
        case negativePrompt = "negative_prompt"
        case budgetUSD = "budget_usd"
    }
}

struct MusicVideoRequest: Codable, Sendable {
    var idea: String
    /// The song: an audio (or video with sound) asset id.
    var audio: String
    var model: String?
    var imageModel: String?
    var scenesModel: String?
    var numScenes: Int?
    var aspectRatio: String?
    var resolution: String?
    var style: String?
    var lyrics: String?
    /// A start image for every clip instead of a generated character reference.
    var image: String?
    var transition: Transition?
    var budgetUSD: Double?
    /// Nil: auto.
    var pace: MusicVideoPace?
    /// Nil: fail.
    var onClipFailure: ClipFailurePolicy?

    /// The join between two scenes of one section; `section`: between scenes where the
    /// song's section changes (default: the same).
    struct Transition: Codable, Sendable {
        var type: String
        var duration: Double?
        var section: Join?

        struct Join: Codable, Sendable {
            var type: String
            var duration: Double?

            enum CodingKeys: String, CodingKey, CaseIterable { case type, duration }
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case type, duration, section }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decodeIfPresent(String.self, forKey: .type) ?? "cut"
            duration = try container.decodeIfPresent(Double.self, forKey: .duration)
            section = try container.decodeIfPresent(Join.self, forKey: .section)
        }

        var within: Join { Join(type: type, duration: duration) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case idea, audio, model
        case imageModel = "image_model"
        case scenesModel = "scenes_model"
        case numScenes = "num_scenes"
        case aspectRatio = "aspect_ratio"
        case resolution, style, lyrics, image, transition
        case budgetUSD = "budget_usd"
        case pace
        case onClipFailure = "on_clip_failure"
    }
}
