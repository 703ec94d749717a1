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
        case idea, lyrics, audio, numScenes = "num_scenes", style, model, budgetUSD = "budget_usd"
    }
}

struct CharacterReferenceRequest: Codable, Sendable {
    var prompt: String
    var aspectRatio: String?
    var model: String?
    var budgetUSD: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case prompt, aspectRatio = "aspect_ratio", model, budgetUSD = "budget_usd"
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
        case prompt, model, duration, aspectRatio = "aspect_ratio", resolution, image, seed
        case negativePrompt = "negative_prompt", budgetUSD = "budget_usd"
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

    struct Transition: Codable, Sendable {
        var type: String
        var duration: Double?

        enum CodingKeys: String, CodingKey, CaseIterable { case type, duration }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case idea, audio, model, imageModel = "image_model", scenesModel = "scenes_model", numScenes = "num_scenes"
        case aspectRatio = "aspect_ratio", resolution, style, lyrics, image, transition, budgetUSD = "budget_usd"
    }
}

/// Field checks shared by the requests.
enum GenerationFields {
    static let maxPromptCharacters = 4000
    static let maxScenes = ScenePlanRequest.sceneLimit.upperBound

    static func text(_ value: String, field: String, required: Bool = true) -> [FieldProblem] {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && trimmed.isEmpty { return [FieldProblem(field, "must not be empty")] }
        if value.count > maxPromptCharacters { return [FieldProblem(field, "must be at most \(maxPromptCharacters) characters")] }
        return []
    }

    /// A budget beyond this is not a budget; it also keeps the estimate's arithmetic in range.
    static let maxBudgetUSD = 100_000.0
    /// Providers take 32-bit seeds.
    static let seedRange = 0...4_294_967_295

    static func budget(_ value: Double?) -> [FieldProblem] {
        guard let value else { return [] }
        return (0...maxBudgetUSD).contains(value)
            ? [] : [FieldProblem("budget_usd", "must be 0…\(Int(maxBudgetUSD)) dollars (got \(value))")]
    }

    static func seed(_ value: Int?) -> [FieldProblem] {
        guard let value, !seedRange.contains(value) else { return [] }
        return [FieldProblem("seed", "must be \(seedRange.lowerBound)…\(seedRange.upperBound) (got \(value))")]
    }

    static func sceneCount(_ value: Int?) -> [FieldProblem] {
        guard let value else { return [] }
        return (1...maxScenes).contains(value) ? [] : [FieldProblem("num_scenes", "must be 1…\(maxScenes) (got \(value))")]
    }

    /// An image reference is an asset id or an http(s) URL.
    static func isURL(_ value: String) -> Bool {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), url.host?.isEmpty == false else { return false }
        return scheme == "http" || scheme == "https"
    }

    static func budgetProblem(estimate: Double, budget: Double?) -> [FieldProblem] {
        guard let budget, estimate > budget + 1e-9 else { return [] }
        return [FieldProblem("budget_usd", "the work is estimated at $\(String(format: "%.4f", estimate)), over the budget of $\(String(format: "%.4f", budget)); raise budget_usd or choose a cheaper model")]
    }
}
