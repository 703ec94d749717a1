import Foundation
import Generation

/// Replicate's HTTP API as backends.md describes it: predictions on official models,
/// polls, cancels, file uploads, and the outputs at "delivery" URLs. Scriptable per
/// test; records every request.
actor FakeReplicateServer {
    enum Route: Hashable { case create, poll, cancel, upload, output }

    private(set) var requests: [RecordedRequest] = []
    /// Answers used (in order) before the normal behaviour of a route.
    private var scripted: [Route: [FakeResponse]] = [:]
    /// The status each poll reports, in order; the last one repeats.
    var statuses: [String] = ["processing", "succeeded"]
    var failureError: String = "The input or output was flagged as sensitive. (E005)"
    var outputBody = Data()
    var outputName = "output.mp4"
    var outputContentType = "video/mp4"
    var outputAsList = false
    var predictTime = 4.25
    private var polls = 0
    private var uploads = 0
    private var predictionCount = 0

    func script(_ route: Route, _ responses: FakeResponse...) { scripted[route, default: []].append(contentsOf: responses) }
    func set(statuses: [String]) {
        self.statuses = statuses
        polls = 0
    }
    func set(failureError: String) { self.failureError = failureError }
    func set(output: Data, name: String, contentType: String, asList: Bool = false) {
        outputBody = output
        outputName = name
        outputContentType = contentType
        outputAsList = asList
    }

    func requests(_ route: Route) -> [RecordedRequest] { requests.filter { Self.route(of: $0) == route } }
    func count(_ route: Route) -> Int { requests(route).count }

    static func route(of request: RecordedRequest) -> Route? {
        let path = request.path
        if request.method == "POST", path == "/v1/files" { return .upload }
        if request.method == "POST", path.hasSuffix("/predictions") { return .create }
        if request.method == "POST", path.hasPrefix("/v1/predictions/"), path.hasSuffix("/cancel") { return .cancel }
        if request.method == "GET", path.hasPrefix("/v1/predictions/") { return .poll }
        if request.method == "GET", path.hasPrefix("/delivery/") { return .output }
        return nil
    }

    func handle(_ request: RecordedRequest, base: String) -> FakeResponse {
        requests.append(request)
        // Outputs are on a public CDN (replicate.delivery): no key there.
        guard Self.route(of: request) == .output || request.headers["authorization"] == "Bearer test-token" else {
            return .json(["title": "Unauthenticated", "detail": "You did not pass a valid authentication token", "status": 401], status: 401)
        }
        guard let route = Self.route(of: request) else { return .json(["title": "Not found", "status": 404], status: 404) }
        if var queue = scripted[route], !queue.isEmpty {
            let answer = queue.removeFirst()
            scripted[route] = queue
            return answer
        }
        switch route {
        case .create:
            predictionCount += 1
            return .json(prediction(id: "pred\(predictionCount)", status: "starting", base: base, input: request.json?["input"]), status: 201)
        case .poll:
            let id = String(request.path.dropFirst("/v1/predictions/".count))
            let status = statuses[min(polls, statuses.count - 1)]
            polls += 1
            return .json(prediction(id: id, status: status, base: base, input: nil))
        case .cancel:
            let id = request.path.split(separator: "/")[2]
            return .json(prediction(id: String(id), status: "canceled", base: base, input: nil))
        case .upload:
            uploads += 1
            return .json(
                [
                    "id": .string("file\(uploads)"), "content_type": "image/png", "size": .number(Double(TestMedia.png.count)),
                    "checksums": ["sha256": .string(TestMedia.sha256(TestMedia.png))],
                    "urls": ["get": .string("https://api.replicate.com/v1/files/file\(uploads)")],
                    "created_at": "2025-01-01T00:00:00.000Z", "expires_at": "2099-01-02T00:00:00.000Z",
                ], status: 201)
        case .output:
            return FakeResponse(status: 200, headers: ["Content-Type": outputContentType], body: outputBody)
        }
    }

    private func prediction(id: String, status: String, base: String, input: JSONValue?) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(id), "model": "google/veo-3.1", "version": "hidden", "status": .string(status),
            "input": input ?? [:], "logs": "", "output": .null, "error": .null, "created_at": "2025-01-01T00:00:00.000Z",
            "urls": ["get": .string("\(base)/v1/predictions/\(id)"), "cancel": .string("\(base)/v1/predictions/\(id)/cancel")],
        ]
        if status == "succeeded" {
            let url = JSONValue.string("\(base)/delivery/\(id)/\(outputName)")
            fields["output"] = outputAsList ? [url] : url
            fields["metrics"] = ["predict_time": .number(predictTime), "total_time": .number(predictTime + 1)]
        }
        if status == "failed" { fields["error"] = .string(failureError) }
        return .object(fields)
    }

    /// Starts the fake and runs `body` with a provider pointed at it.
    static func run<T: Sendable>(
        _ configure: @escaping @Sendable (FakeReplicateServer) async -> Void = { _ in },
        _ body: @escaping @Sendable (FakeReplicateServer, String) async throws -> T
    ) async throws -> T {
        let fake = FakeReplicateServer()
        await fake.set(output: try await TestMedia.video.value, name: "output.mp4", contentType: "video/mp4")
        await configure(fake)
        return try await withFakeServer({ request, base in await fake.handle(request, base: base) }) { base in
            try await body(fake, base)
        }
    }

}
