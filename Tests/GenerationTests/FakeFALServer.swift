import Foundation
import Generation

/// FAL's queue API as backends.md describes it: submit to the full endpoint, status,
/// result and cancel under the app id, outputs on a CDN. Scriptable; records requests.
actor FakeFALServer {
    enum Route: Hashable { case submit, status, result, cancel, output }

    private(set) var requests: [RecordedRequest] = []
    private var scripted: [Route: [FakeResponse]] = [:]
    /// The status each poll reports, in order; the last one repeats.
    private var statuses: [String] = ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]
    private var polls = 0
    /// Put on a COMPLETED status (a model failure).
    private var completedError: (error: String, type: String?)?
    /// Whether the submit answer names the status/response/cancel URLs (the real API does).
    private var returnsURLs = true
    var outputBody = Data()

    static let app = "fal-ai/kling-video"
    static let endpoint = "fal-ai/kling-video/v2.1/standard/image-to-video"
    static let requestID = "764cabcf-b745-4b3e-ae38-1200304cf45b"

    func script(_ route: Route, _ responses: FakeResponse...) { scripted[route, default: []].append(contentsOf: responses) }
    func set(statuses: [String]) {
        self.statuses = statuses
        polls = 0
    }
    func set(completedError: String, type: String?) { self.completedError = (completedError, type) }
    func set(returnsURLs: Bool) { self.returnsURLs = returnsURLs }
    func set(output: Data) { outputBody = output }

    func requests(_ route: Route) -> [RecordedRequest] { requests.filter { Self.route(of: $0) == route } }
    func count(_ route: Route) -> Int { requests(route).count }

    static func route(of request: RecordedRequest) -> Route? {
        let path = request.path
        let requestsPrefix = "/\(app)/requests/"
        if request.method == "POST", path.hasPrefix("/fal-ai/") { return .submit }
        if request.method == "GET", path.hasPrefix(requestsPrefix), path.hasSuffix("/status") { return .status }
        if request.method == "PUT", path.hasPrefix(requestsPrefix), path.hasSuffix("/cancel") { return .cancel }
        if request.method == "GET", path.hasPrefix(requestsPrefix) { return .result }
        if request.method == "GET", path.hasPrefix("/files/") { return .output }
        return nil
    }

    func handle(_ request: RecordedRequest, base: String) -> FakeResponse {
        requests.append(request)
        // Outputs are on a public CDN (fal.media): no key there.
        guard Self.route(of: request) == .output || request.headers["authorization"] == "Key test-key" else {
            return .json(["detail": "No user found for Key ID and Secret"], status: 401)
        }
        guard let route = Self.route(of: request) else { return .json(["detail": "Not Found"], status: 404) }
        if var queue = scripted[route], !queue.isEmpty {
            let answer = queue.removeFirst()
            scripted[route] = queue
            return answer
        }
        let requestURL = "\(base)/\(Self.app)/requests/\(Self.requestID)"
        switch route {
        case .submit:
            guard request.path == "/\(Self.endpoint)" else { return .json(["detail": "Application not found"], status: 404) }
            var answer: [String: JSONValue] = ["request_id": .string(Self.requestID)]
            if returnsURLs {
                answer["status_url"] = .string(requestURL + "/status")
                answer["response_url"] = .string(requestURL)
                answer["cancel_url"] = .string(requestURL + "/cancel")
            }
            return .json(.object(answer))
        case .status:
            let status = statuses[min(polls, statuses.count - 1)]
            polls += 1
            switch status {
            case "IN_QUEUE":
                return .json(["status": "IN_QUEUE", "queue_position": 2, "response_url": .string(requestURL)], status: 202)
            case "IN_PROGRESS":
                return .json(
                    [
                        "status": "IN_PROGRESS", "response_url": .string(requestURL),
                        "logs": [["message": "step 3/30", "level": "INFO", "source": "user", "timestamp": "2025-01-01T00:00:00"]],
                    ],
                    status: 202)
            default:
                var body: [String: JSONValue] = [
                    "status": "COMPLETED", "response_url": .string(requestURL), "logs": [],
                    "metrics": ["inference_time": 61.5],
                ]
                if let completedError {
                    body["error"] = .string(completedError.error)
                    body["error_type"] = completedError.type.map(JSONValue.string) ?? .null
                }
                return .json(.object(body))
            }
        case .result:
            return .json([
                "video": [
                    "url": .string("\(base)/files/video-\(Self.requestID).mp4"), "content_type": "video/mp4",
                    "file_name": "output.mp4", "file_size": .number(Double(outputBody.count)),
                ]
            ])
        case .cancel:
            return .json(["status": "CANCELLATION_REQUESTED"], status: 202)
        case .output:
            return FakeResponse(status: 200, headers: ["Content-Type": "video/mp4"], body: outputBody)
        }
    }

    static func run<T: Sendable>(_ body: @escaping @Sendable (FakeFALServer, String) async throws -> T) async throws -> T {
        let fake = FakeFALServer()
        await fake.set(output: try await TestMedia.video.value)
        return try await withFakeServer({ request, base in await fake.handle(request, base: base) }) { base in
            try await body(fake, base)
        }
    }
}
