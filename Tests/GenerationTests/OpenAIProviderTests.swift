import Foundation
import Generation
import Testing

@Suite struct OpenAIProviderTests {
    static let model = CatalogModel(
        id: "gpt-4o-mini", provider: "openai", path: "gpt-4o-mini", kind: .scenes,
        defaults: ["temperature": .number(0.8)])

    func planner(_ base: String, retry: RetryPolicy = ProviderTests.retry) -> OpenAIScenePlanner {
        OpenAIScenePlanner(apiKey: "test-key", baseURL: base, client: ProviderTests.client, retry: retry)
    }

    func request(_ count: Int) -> ScenePlanRequest {
        ScenePlanRequest(idea: "a city wakes up", lyrics: "sun on the glass", style: "anime", numScenes: count, model: Self.model)
    }

    @Test func aPlanIsAskedWithAStrictSchemaAndTrimmedToTheCount() async throws {
        try await FakeOpenAIServer.run { fake, base in
            await fake.set(content: GeminiProviderTests.planJSON(5))
            let plan = try await planner(base).planScenes(request(4))
            #expect(plan.scenes.map(\.prompt) == ["prompt 1", "prompt 2", "prompt 3", "prompt 4"])
            #expect(plan.tokens == 400)
            let call = try #require(await fake.requests.first)
            #expect(call.path == "/v1/chat/completions")
            #expect(call.headers["authorization"] == "Bearer test-key")
            let body = try #require(call.json)
            #expect(body["model"] == "gpt-4o-mini")
            #expect(body["temperature"] == 0.8)
            #expect(body["messages"]?[0]?["role"] == "system")
            #expect(body["messages"]?[1]?["content"]?.string?.contains("exactly 4 scenes") == true)
            let format = body["response_format"]
            #expect(format?["type"] == "json_schema")
            #expect(format?["json_schema"]?["strict"] == true)
            #expect(format?["json_schema"]?["name"] == "scene_plan")
            #expect(format?["json_schema"]?["schema"]?["additionalProperties"] == false)
            #expect(format?["json_schema"]?["schema"]?["required"] == ["scenes"])
        }
    }

    @Test func shortEmptyOrMalformedPlansAreBadResponses() async throws {
        try await FakeOpenAIServer.run { fake, base in
            await fake.set(content: GeminiProviderTests.planJSON(2))
            #expect(await providerError { _ = try await planner(base).planScenes(request(3)) }?.kind == .badResponse)
            await fake.set(content: GeminiProviderTests.planJSON(3, emptyPromptAt: 2))
            #expect(await providerError { _ = try await planner(base).planScenes(request(3)) }?.kind == .badResponse)
            await fake.set(content: "not json")
            #expect(await providerError { _ = try await planner(base).planScenes(request(3)) }?.kind == .badResponse)
            await fake.script(.raw("{\"choices\": [}"))
            #expect(await providerError { _ = try await planner(base).planScenes(request(3)) }?.kind == .badResponse)
            await fake.set(content: nil, refusal: "I can't help with that.")
            #expect(await providerError { _ = try await planner(base).planScenes(request(3)) }?.kind == .contentFlagged)
            await fake.set(content: nil, finishReason: "content_filter")
            #expect(await providerError { _ = try await planner(base).planScenes(request(3)) }?.kind == .contentFlagged)
        }
    }

    static let statusCases: [(FakeResponse, ProviderError.Kind)] = [
        (FakeOpenAIServer.apiError(401, "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key"), .authentication),
        (FakeOpenAIServer.apiError(403, "Country not supported", type: "invalid_request_error"), .authentication),
        (FakeOpenAIServer.apiError(404, "The model `gpt-9` does not exist", type: "invalid_request_error", code: "model_not_found"), .validation),
        (FakeOpenAIServer.apiError(400, "Invalid schema for response_format", type: "invalid_request_error"), .validation),
        (
            FakeOpenAIServer.apiError(429, "Rate limit reached", type: "requests", code: "rate_limit_exceeded", headers: ["Retry-After": "3"]),
            .rateLimited
        ),
        (
            FakeOpenAIServer.apiError(429, "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota"),
            .insufficientCredit
        ),
        (FakeOpenAIServer.apiError(500, "The server had an error", type: "server_error"), .upstreamUnavailable),
        (FakeOpenAIServer.apiError(503, "The engine is currently overloaded", type: "server_error"), .upstreamUnavailable),
    ]

    @Test(arguments: statusCases.indices)
    func errorsMapToKinds(_ index: Int) async throws {
        let (response, kind) = Self.statusCases[index]
        try await FakeOpenAIServer.run { fake, base in
            await fake.script(response)
            let error = await providerError { _ = try await planner(base, retry: ProviderTests.noRetry).planScenes(request(2)) }
            #expect(error?.kind == kind)
            #expect(error?.status == response.status)
            #expect(error?.provider == "openai")
            if kind == .rateLimited { #expect(error?.retryAfter == .seconds(3)) }
        }
    }

    @Test func transientErrorsAreRetried() async throws {
        try await FakeOpenAIServer.run { fake, base in
            await fake.set(content: GeminiProviderTests.planJSON(2))
            await fake.script(FakeOpenAIServer.apiError(500, "The server had an error", type: "server_error"))
            let plan = try await planner(base).planScenes(request(2))
            #expect(plan.scenes.count == 2)
            #expect(await fake.requests.count == 2)
        }
    }
}
