import Foundation

/// Scene plans from Gemini: `models/{model}:generateContent` with a JSON response schema.
public struct GeminiScenePlanner: ScenePlanner {
    public static let name = "gemini"
    public static let defaultBaseURL = "https://generativelanguage.googleapis.com/v1beta"

    let baseURL: String
    let api: ProviderAPI

    /// - Parameter apiKey: `GEMINI_API_KEY` (sent as `x-goog-api-key`).
    public init(
        apiKey: String, baseURL: String = GeminiScenePlanner.defaultBaseURL, client: any HTTPClient,
        retry: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(120)
    ) {
        self.baseURL = baseURL.trimmingTrailingSlashes
        api = ProviderAPI(
            provider: Self.name, client: client, retry: retry, requestTimeout: requestTimeout,
            headers: [("x-goog-api-key", apiKey)], mapError: GeminiErrorMapper.error)
    }

    public func planScenes(_ request: ScenePlanRequest) async throws -> ScenePlan {
        try request.validateSceneCount(provider: Self.name)
        let model = Self.modelName(request.model)
        var generationConfig = ModelInput(defaults: request.model.defaults).fields
        generationConfig["responseMimeType"] = "application/json"
        generationConfig["responseJsonSchema"] = ScenePlanPrompt.schema(count: request.numScenes, bounded: true)
        let body: JSONValue = [
            "systemInstruction": ["parts": [["text": .string(ScenePlanPrompt.systemInstruction)]]],
            "contents": [["role": "user", "parts": [["text": .string(ScenePlanPrompt.userMessage(request))]]]],
            "generationConfig": .object(generationConfig),
        ]
        let answer = try await api.sendJSON(try api.request(.post, "\(baseURL)/models/\(model):generateContent", json: body), phase: .plan)
        if let blocked = answer["promptFeedback"]?["blockReason"]?.string {
            throw ProviderError(.contentFlagged, "the prompt was blocked: \(blocked)", provider: Self.name, mayHaveBeenAccepted: true)
        }
        guard let candidate = answer["candidates"]?[0] else { throw api.badResponse("the answer has no candidates") }
        let finishReason = candidate["finishReason"]?.string ?? ""
        if ["SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"].contains(finishReason) {
            throw ProviderError(.contentFlagged, "the answer was blocked: \(finishReason)", provider: Self.name, mayHaveBeenAccepted: true)
        }
        let text = (candidate["content"]?["parts"]?.array ?? []).compactMap { $0["text"]?.string }.joined()
        guard !text.isEmpty else { throw api.badResponse("the answer has no text (finishReason \(finishReason))") }
        let scenes = try ScenePlanPrompt.scenes(from: text, request: request, provider: Self.name)
        let tokens = answer["usageMetadata"]?["totalTokenCount"]?.number.map { Int($0) }
        return ScenePlan(scenes: scenes, tokens: tokens)
    }

    /// The model's name in Gemini URLs (`models/{name}:…`): the catalog path without a
    /// `models/` prefix, which the catalog may or may not spell.
    static func modelName(_ model: CatalogModel) -> String {
        model.path.hasPrefix("models/") ? String(model.path.dropFirst("models/".count)) : model.path
    }
}
