import Crypto
import Foundation
import Generation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Media
import TestSupport

/// A request a fake provider server received.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var query: String
    /// Lowercased names.
    var headers: [String: String]
    var body: Data
    var receivedAt: ContinuousClock.Instant

    var json: JSONValue? { JSONValue.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// What a fake answers; `delay` holds the answer back (a hung call).
struct FakeResponse: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body: Data = Data()
    var delay: Duration?

    static func json(_ value: JSONValue, status: Int = 200, headers: [String: String] = [:]) -> FakeResponse {
        var headers = headers
        headers["Content-Type"] = headers["Content-Type"] ?? "application/json"
        return FakeResponse(status: status, headers: headers, body: (try? value.encoded()) ?? Data())
    }

    static func raw(_ text: String, status: Int = 200, contentType: String = "application/json", headers: [String: String] = [:]) -> FakeResponse {
        var headers = headers
        headers["Content-Type"] = contentType
        return FakeResponse(status: status, headers: headers, body: Data(text.utf8))
    }

    static func hang(_ delay: Duration, then response: FakeResponse) -> FakeResponse {
        var response = response
        response.delay = delay
        return response
    }
}

/// Answers every request (whatever its path) with `handler`, which is given the
/// request and the server's base URL.
private struct FakeResponder<Context: RequestContext>: RouterMiddleware {
    let handler: @Sendable (RecordedRequest, String) async -> FakeResponse

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let authority = request.head.authority ?? headers["host"] ?? "127.0.0.1"
        let recorded = RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
            headers: headers, body: Data(buffer.readableBytesView), receivedAt: .now)
        let answer = await handler(recorded, "http://\(authority)")
        if let delay = answer.delay { try? await Task.sleep(for: delay) }
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// Runs `body` with a live fake server on 127.0.0.1; its base URL is passed in.
func withFakeServer<T: Sendable>(
    _ handler: @escaping @Sendable (RecordedRequest, String) async -> FakeResponse,
    _ body: @escaping @Sendable (String) async throws -> T
) async throws -> T {
    let router = Router()
    router.add(middleware: FakeResponder(handler: handler))
    let app = Application(router: router)
    return try await app.test(.live) { client in
        try await body("http://127.0.0.1:\(client.port!)")
    }
}

/// Real media the fakes serve as outputs.
enum TestMedia {
    /// A 1 s 160×120 H.264 mp4 made once per test run.
    static let video: Task<Data, any Error> = Task {
        let path = NSTemporaryDirectory() + "provider-test-\(UUID().uuidString).mp4"
        var spec = MockVideoSpec()
        spec.duration = 1
        spec.width = 160
        spec.height = 120
        try await MockVideoSynthesizer.write(spec, to: path, on: .tests)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// A 1×1 PNG.
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")!

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// A reference image on disk.
    static func referenceImage(in directory: String, name: String = "reference.png") throws -> ReferenceImage {
        let path = directory + "/" + name
        try png.write(to: URL(fileURLWithPath: path))
        return ReferenceImage(path: path, sha256: sha256(png), mimeType: "image/png")
    }
}
