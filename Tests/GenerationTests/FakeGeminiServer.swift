import Foundation
import Generation

/// The Gemini API as backends.md describes it: generateContent with a JSON answer,
/// Veo's predictLongRunning operations, their polls, cancels and file downloads.
actor FakeGeminiServer {
    enum Route: Hashable { case generate, predict, poll, cancel, download }

    private(set) var requests: [RecordedRequest] = []
    private var scripted: [Route: [FakeResponse]] = [:]
    /// How many polls answer `done: false` before the operation is done.
    private var pendingPolls = 1
    private var polls = 0
    /// The finished operation's `error`, or its filtered reasons.
    private var operationError: String?
    private var filteredReasons: [String]?
    /// The text the model answers for a scene plan.
    var planText = ""
    var finishReason = "STOP"
    var outputBody = Data()

    static let operation = "models/veo-3.1-generate-preview/operations/op123"

    func script(_ route: Route, _ responses: FakeResponse...) { scripted[route, default: []].append(contentsOf: responses) }
    func set(pendingPolls: Int) {
        self.pendingPolls = pendingPolls
        polls = 0
    }
    func set(operationError: String?) { self.operationError = operationError }
    func set(filteredReasons: [String]?) { self.filteredReasons = filteredReasons }
    func set(planText: String, finishReason: String = "STOP") {
        self.planText = planText
        self.finishReason = finishReason
    }
    func set(output: Data) { outputBody = output }

    func requests(_ route: Route) -> [RecordedRequest] { requests.filter { Self.route(of: $0) == route } }
    func count(_ route: Route) -> Int { requests(route).count }

    static func route(of request: RecordedRequest) -> Route? {
        let path = request.path
        if request.method == "POST", path.hasSuffix(":generateContent") { return .generate }
        if request.method == "POST", path.hasSuffix(":predictLongRunning") { return .predict }
        if request.method == "POST", path.hasSuffix(":cancel") { return .cancel }
        if request.method == "GET", path.hasSuffix(":download") { return .download }
        if request.method == "GET", path.contains("/operations/") { return .poll }
        return nil
    }

    static func apiError(_ code: Int, _ status: String, _ message: String, details: [JSONValue] = []) -> FakeResponse {
        .json(
            ["error": ["code": .number(Double(code)), "message": .string(message), "status": .string(status), "details": .array(details)]],
            status: code)
    }

    func handle(_ request: RecordedRequest, base: String) -> FakeResponse {
        requests.append(request)
        let route = Self.route(of: request)
        let keyed =
            route == .download ? request.query.split(separator: "&").contains("key=test-key") : request.headers["x-goog-api-key"] == "test-key"
        guard keyed else {
            return Self.apiError(
                400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                details: [
                    ["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"]
                ])
        }
        guard let route else { return Self.apiError(404, "NOT_FOUND", "not found") }
        if var queue = scripted[route], !queue.isEmpty {
            let answer = queue.removeFirst()
            scripted[route] = queue
            return answer
        }
        switch route {
        case .generate:
            return .json([
                "candidates": [
                    [
                        "content": ["parts": [["text": .string(planText)]], "role": "model"],
                        "finishReason": .string(finishReason), "index": 0,
                    ]
                ],
                "usageMetadata": ["promptTokenCount": 300, "candidatesTokenCount": 120, "totalTokenCount": 420],
                "modelVersion": "gemini-2.5-flash",
            ])
        case .predict:
            return .json(["name": .string(Self.operation)])
        case .poll:
            polls += 1
            guard polls > pendingPolls else {
                return .json([
                    "name": .string(Self.operation),
                    "metadata": ["@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningMetadata"],
                ])
            }
            if let operationError {
                return .json(["name": .string(Self.operation), "done": true, "error": ["code": 13, "message": .string(operationError)]])
            }
            if let filteredReasons {
                return .json([
                    "name": .string(Self.operation), "done": true,
                    "response": [
                        "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
                        "generateVideoResponse": [
                            "raiMediaFilteredCount": 1, "raiMediaFilteredReasons": .array(filteredReasons.map(JSONValue.string)),
                        ],
                    ],
                ])
            }
            return .json([
                "name": .string(Self.operation), "done": true,
                "response": [
                    "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
                    "generateVideoResponse": ["generatedSamples": [["video": ["uri": .string("\(base)/v1beta/files/abc123:download?alt=media")]]]],
                ],
            ])
        case .cancel:
            return .json([:])
        case .download:
            // Served without an extension in the URL: the content type names the file.
            return FakeResponse(status: 200, headers: ["Content-Type": "video/mp4"], body: outputBody)
        }
    }

    static func run<T: Sendable>(_ body: @escaping @Sendable (FakeGeminiServer, String) async throws -> T) async throws -> T {
        let fake = FakeGeminiServer()
        await fake.set(output: try await TestMedia.video.value)
        return try await withFakeServer({ request, base in await fake.handle(request, base: base) }) { base in
            try await body(fake, base + "/v1beta")
        }
    }
}
