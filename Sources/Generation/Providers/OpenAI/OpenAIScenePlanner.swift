import Foundation

/// Scene plans from any OpenAI-compatible chat server: `POST {base}/chat/completions`
/// with a strict JSON-schema response format.
public struct OpenAIScenePlanner: ScenePlanner {
    public static let name = "openai"
    public static let defaultBaseURL = "https://api.openai.com/v1"

    let baseURL: String
    let api: ProviderAPI

    /// - Parameters:
    ///   - apiKey: `OPENAI_API_KEY`.
    ///   - baseURL: `OPENAI_BASE_URL` (any compatible server: vLLM, Ollama, OpenRouter, ...).
    public init(
        apiKey: String, baseURL: String = OpenAIScenePlanner.defaultBaseURL, client: any HTTPClient,
        retry: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(120)
    ) {
        self.baseURL = baseURL.trimmingTrailingSlashes
        api = ProviderAPI(
            provider: Self.name, client: client, retry: retry, requestTimeout: requestTimeout,
            headers: [("Authorization", "Bearer \(apiKey)")], mapError: OpenAIErrorMapper.error)
    }

    public func planScenes(_ request: ScenePlanRequest) async throws -> ScenePlan {
        try request.validateSceneCount(provider: Self.name)
        var body = ModelInput(defaults: request.model.defaults).fields
        body["model"] = .string(request.model.path)
        body["messages"] = [
            ["role": "system", "content": .string(ScenePlanPrompt.systemInstruction)],
            ["role": "user", "content": .string(ScenePlanPrompt.userMessage(request))],
        ]
        body["response_format"] = [
            "type": "json_schema",
            "json_schema": ["name": "scene_plan", "schema": ScenePlanPrompt.schema(count: request.numScenes, bounded: false), "strict": true],
        ]
        let answer = try await api.sendJSON(try api.request(.post, baseURL + "/chat/completions", json: .object(body)), phase: .plan)
        guard let choice = answer["choices"]?[0] else { throw api.badResponse("the answer has no choices") }
        let finishReason = choice["finish_reason"]?.string ?? ""
        if finishReason == "content_filter" {
            throw ProviderError(.contentFlagged, "the answer was filtered (content_filter)", provider: Self.name, mayHaveBeenAccepted: true)
        }
        if let refusal = choice["message"]?["refusal"]?.string, !refusal.isEmpty {
            throw ProviderError(.contentFlagged, "the model refused: \(refusal)", provider: Self.name, mayHaveBeenAccepted: true)
        }
        guard let content = choice["message"]?["content"]?.string, !content.isEmpty else {
            throw api.badResponse("the answer has no message content (finish_reason \(finishReason))")
        }
        let scenes = try ScenePlanPrompt.scenes(from: content, request: request, provider: Self.name)
        return ScenePlan(scenes: scenes, tokens: answer["usage"]?["total_tokens"]?.number.map { Int($0) })
    }
}
