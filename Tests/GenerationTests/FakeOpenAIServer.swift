import Foundation
import Generation

/// An OpenAI-compatible `/v1/chat/completions` answering with the scripted content.
actor FakeOpenAIServer {
    private(set) var requests: [RecordedRequest] = []
    private var scripted: [FakeResponse] = []
    private var content: JSONValue = .null
    private var finishReason = "stop"
    private var refusal: String?

    func script(_ responses: FakeResponse...) { scripted.append(contentsOf: responses) }
    func set(content: String?, finishReason: String = "stop", refusal: String? = nil) {
        self.content = content.map(JSONValue.string) ?? .null
        self.finishReason = finishReason
        self.refusal = refusal
    }

    static func apiError(_ status: Int, _ message: String, type: String, code: String? = nil, headers: [String: String] = [:]) -> FakeResponse {
        .json(
            ["error": ["message": .string(message), "type": .string(type), "param": .null, "code": code.map(JSONValue.string) ?? .null]],
            status: status, headers: headers)
    }

    func handle(_ request: RecordedRequest) -> FakeResponse {
        requests.append(request)
        guard request.headers["authorization"] == "Bearer test-key" else {
            return Self.apiError(401, "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key")
        }
        guard request.method == "POST", request.path == "/v1/chat/completions" else {
            return Self.apiError(404, "Unknown request URL", type: "invalid_request_error")
        }
        if !scripted.isEmpty { return scripted.removeFirst() }
        return .json([
            "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-mini",
            "choices": [
                [
                    "index": 0, "message": ["role": "assistant", "content": content, "refusal": refusal.map(JSONValue.string) ?? .null],
                    "finish_reason": .string(finishReason),
                ]
            ],
            "usage": ["prompt_tokens": 250, "completion_tokens": 150, "total_tokens": 400],
        ])
    }

    static func run<T: Sendable>(_ body: @escaping @Sendable (FakeOpenAIServer, String) async throws -> T) async throws -> T {
        let fake = FakeOpenAIServer()
        return try await withFakeServer({ request, _ in await fake.handle(request) }) { base in
            try await body(fake, base + "/v1/")
        }
    }
}
