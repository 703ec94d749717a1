import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization

/// A loopback server for `CurlHTTPClient`'s tests: echoes, status codes, deterministic
/// payloads (sized, chunked or trickled), redirects, a request that hangs until the test
/// releases it, and a log of what arrived.
final class HTTPClientTestServer: Sendable {
    private struct State {
        var hanging = 0
        var released = false
    }

    private let state = Mutex(State())

    /// Requests currently parked in `/hang`.
    var hanging: Int { state.withLock { $0.hanging } }

    /// Lets every `/hang` request (and later ones) finish, so the server can shut down.
    func release() { state.withLock { $0.released = true } }

    /// Runs `body` with the server's base URL ("http://127.0.0.1:PORT").
    func run(_ body: @Sendable @escaping (String) async throws -> Void) async throws {
        let app = Application(router: makeRouter())
        try await app.test(.live) { client in
            defer { release() }
            try await body("http://127.0.0.1:\(client.port ?? 0)")
        }
    }

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/hello") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain", HTTPField.Name("X-Greeting")!: "hi"],
                body: .init(byteBuffer: ByteBuffer(string: "hello")))
        }
        // The request's method, body and headers, as JSON.
        for method in [HTTPTypes.HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("/echo", method: method) { request, _ in
                let body = try await request.body.collect(upTo: 64 << 20)
                let echo = Echo(
                    method: request.method.rawValue, body: String(buffer: body),
                    contentType: request.headers[.contentType], contentLength: request.headers[.contentLength],
                    userAgent: request.headers[.userAgent], custom: request.headers[HTTPField.Name("X-Custom")!],
                    expect: request.headers[.expect])
                return try Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(bytes: Array(JSONEncoder().encode(echo)))))
            }
        }
        router.head("/echo") { _, _ in
            Response(status: .ok, headers: [.contentLength: "12345", HTTPField.Name("X-Method")!: "HEAD"])
        }
        // The raw request body and its Content-Type.
        router.post("/raw") { request, _ in
            let body = try await request.body.collect(upTo: 64 << 20)
            return Response(
                status: .ok, headers: [.contentType: request.headers[.contentType] ?? "none"],
                body: .init(byteBuffer: body))
        }
        router.get("/status/:code") { _, context in
            let code = try context.parameters.require("code", as: Int.self)
            return Response(
                status: .init(code: code), headers: [.contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: "status \(code) body")))
        }
        // `size` deterministic bytes (`HTTPClientTestServer.payload`), with a
        // Content-Length, or chunked in 64 KB writes with `chunked=1`.
        router.get("/bytes") { request, _ in
            let size = request.uri.queryParameters.get("size", as: Int.self) ?? 0
            let bytes = HTTPClientTestServer.payload(size)
            if request.uri.queryParameters.get("chunked") == "1" {
                return Response(
                    status: .ok, headers: [.contentType: "application/octet-stream"],
                    body: ResponseBody { writer in
                        for start in stride(from: 0, to: bytes.count, by: 65536) {
                            try await writer.write(ByteBuffer(bytes: bytes[start..<min(bytes.count, start + 65536)]))
                        }
                        try await writer.finish(nil)
                    })
            }
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        // A body that trickles 1 KB every 50 ms for about a minute.
        router.get("/trickle") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for _ in 0..<1200 {
                        try await writer.write(ByteBuffer(bytes: [UInt8](repeating: 7, count: 1024)))
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    try await writer.finish(nil)
                })
        }
        // Answers only once the test calls `release()` (or after 20 s).
        router.get("/hang") { _, _ in
            self.state.withLock { $0.hanging += 1 }
            defer { self.state.withLock { $0.hanging -= 1 } }
            var waited = 0
            while waited < 2000, !self.state.withLock({ $0.released }) {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            return "released"
        }
        router.get("/redirect") { _, _ in
            Response(status: .found, headers: [.location: "/redirect/2", HTTPField.Name("X-Hop")!: "1"])
        }
        router.get("/redirect/2") { _, _ in
            Response(status: .movedPermanently, headers: [.location: "/hello", HTTPField.Name("X-Hop")!: "2"])
        }
        router.get("/redirect-loop") { _, _ in
            Response(status: .found, headers: [.location: "/redirect-loop"])
        }
        return router
    }

    /// Deterministic pseudo-random bytes (xorshift), so both sides agree without sharing a file.
    static func payload(_ count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }
}

/// What `/echo` saw.
struct Echo: Codable, Equatable {
    var method: String
    var body: String
    var contentType: String?
    var contentLength: String?
    var userAgent: String?
    var custom: String?
    var expect: String?
}

/// A stand-in forward proxy: answers every request itself and records its request
/// target (absolute-form, "http://host/path", when a client talks to it as a proxy).
final class HTTPClientFakeProxy: Sendable {
    private let targets = Mutex<[String]>([])

    var receivedTargets: [String] { targets.withLock { $0 } }

    func run(_ body: @Sendable @escaping (String) async throws -> Void) async throws {
        let router = Router()
        router.middlewares.add(Recorder(proxy: self))
        let app = Application(router: router)
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port ?? 0)")
        }
    }

    private struct Recorder<Context: RequestContext>: RouterMiddleware {
        let proxy: HTTPClientFakeProxy

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            // HTTPTypes splits an absolute-form target into scheme, authority and path.
            let head = request.head
            let target = (head.scheme.map { "\($0)://" } ?? "") + (head.scheme == nil ? "" : head.authority ?? "") + (head.path ?? "")
            proxy.targets.withLock { $0.append(target) }
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "via proxy")))
        }
    }
}
