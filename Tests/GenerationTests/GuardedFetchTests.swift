import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing

@testable import Generation

/// A `CurlHTTPClient` with an `AddressPolicy` (the one for URLs callers give): internal
/// addresses are refused before any connection, so the loopback server counts no
/// request; the allow-list lets them through. Only loopback is ever a real target:
/// the other internal addresses are tried only once loopback has been seen refused,
/// so a broken check cannot send them a packet.
@Suite struct GuardedFetchTests {
    /// A loopback file server that counts the requests of each path.
    final class Target: Sendable {
        private let hits = Mutex<[String: Int]>([:])

        func count(_ path: String) -> Int { hits.withLock { $0[path, default: 0] } }
        var total: Int { hits.withLock { $0.values.reduce(0, +) } }

        /// Runs `body` with the server's port.
        func run(_ body: @Sendable @escaping (Int) async throws -> Void) async throws {
            let router = Router()
            router.get("/file") { _, _ in
                self.hit("/file")
                return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "content")))
            }
            // A redirect to the absolute URL in `to`.
            router.get("/to") { request, _ in
                self.hit("/to")
                return Response(status: .found, headers: [.location: request.uri.queryParameters.get("to") ?? "/file"])
            }
            // `n` redirects before /file.
            router.get("/hops/:n") { _, context in
                self.hit("/hops")
                let left = try context.parameters.require("n", as: Int.self)
                return Response(status: .found, headers: [.location: left > 1 ? "/hops/\(left - 1)" : "/file"])
            }
            try await Application(router: router).test(.live) { client in
                try await body(client.port ?? 0)
            }
        }

        private func hit(_ path: String) { hits.withLock { $0[path, default: 0] += 1 } }
    }

    private func client(allowing entries: [String] = [], resolve: [String] = []) throws -> CurlHTTPClient {
        CurlHTTPClient(userAgent: "merge-server-test", environment: [:], addressPolicy: try AddressPolicy(allowing: entries), resolve: resolve)
    }

    private func fetch(_ client: CurlHTTPClient, _ url: String, maxRedirects: Int = 3) async throws -> DownloadedFile {
        let directory = try TemporaryDirectory()
        var request = Generation.HTTPRequest(.get, url)
        request.maxRedirects = maxRedirects
        let file = try await client.download(request, to: directory.file("out"), limit: 1 << 20)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "content")
        return file
    }

    /// The error of a fetch that must be refused before connecting; checks it says so
    /// and tells nothing about the target's port.
    private func refusal(_ client: CurlHTTPClient, _ url: String, port: Int? = nil) async throws -> HTTPClientError {
        let directory = try TemporaryDirectory()
        let error = try await #require(throws: HTTPClientError.self) {
            try await client.download(
                Generation.HTTPRequest(.get, url),
                to: directory.file("out"), limit: 1 << 20)
        }
        #expect(error.kind == .refusedAddress, "\(url): \(error)")
        #expect(error.sent == false)
        #expect(!error.isTransient)
        if let port { #expect(!error.message.contains(String(port)), "\(error.message)") }
        #expect(directory.contents().isEmpty, "no partial file")
        return error
    }

    @Test func loopbackIsRefusedBeforeConnectingAndAllowedThroughTheList() async throws {
        let target = Target()
        try await target.run { port in
            let guarded = try client()
            let error = try await refusal(guarded, "http://127.0.0.1:\(port)/file", port: port)
            #expect(error.message.contains("loopback"))
            _ = try await refusal(guarded, "http://[::1]:\(port)/file", port: port)
            _ = try await refusal(guarded, "http://[::ffff:127.0.0.1]:\(port)/file", port: port)
            _ = try await refusal(guarded, "http://0.0.0.0:\(port)/file", port: port)
            _ = try await refusal(guarded, "http://2130706433:\(port)/file", port: port)  // 127.0.0.1 as one number
            _ = try await refusal(guarded, "http://localhost:\(port)/file", port: port)
            #expect(target.total == 0)
            #expect(guarded.connectionsOpened == 0)

            _ = try await fetch(try client(allowing: ["127.0.0.1"]), "http://127.0.0.1:\(port)/file")
            _ = try await fetch(try client(allowing: ["127.0.0.0/8"]), "http://127.0.0.1:\(port)/file")
            _ = try await fetch(try client(allowing: ["localhost"]), "http://localhost:\(port)/file")
            #expect(target.count("/file") == 3)
            // An entry for another address or block does not cover it.
            _ = try await refusal(try client(allowing: ["127.0.0.2", "10.0.0.0/8", "::1"]), "http://127.0.0.1:\(port)/file", port: port)
            #expect(target.count("/file") == 3)
        }
    }

    @Test func metadataAndPrivateAddressesAreRefusedWithoutAConnection() async throws {
        let target = Target()
        try await target.run { port in
            let guarded = try client()
            // The interlock: nothing else is tried unless loopback was refused without a request.
            _ = try await refusal(guarded, "http://127.0.0.1:\(port)/file", port: port)
            try #require(target.total == 0 && guarded.connectionsOpened == 0)

            for url in [
                "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1:8080/", "http://[fd00::1]:81/",
                "http://[fe80::1]/", "http://192.168.0.1:6379/", "http://[::ffff:169.254.169.254]/",
            ] {
                let error = try await refusal(guarded, url, port: URLComponents(string: url)?.port)
                #expect(error.message.contains("not public"), "\(error.message)")
            }
            #expect(guarded.connectionsOpened == 0)
        }
    }

    @Test func aRedirectToAnInternalAddressIsRefusedBeforeItsRequest() async throws {
        let target = Target()
        try await target.run { port in
            // files.test (loopback here) is allowed by name; 127.0.0.1 itself is not.
            let guarded = try client(allowing: ["files.test"], resolve: ["files.test:\(port):127.0.0.1"])
            _ = try await fetch(guarded, "http://files.test:\(port)/file")
            #expect(target.count("/file") == 1)

            let internalURL = "http://127.0.0.1:\(port)/file"
            let error = try await refusal(guarded, "http://files.test:\(port)/to?to=\(internalURL)", port: port)
            #expect(target.count("/to") == 1)
            #expect(target.count("/file") == 1, "the redirect's target got no request")
            #expect(error.message.contains("loopback"))

            // Another name for the same loopback server is not covered by the entry either.
            let renamed = try await refusal(
                try client(allowing: ["files.test"], resolve: ["files.test:\(port):127.0.0.1", "other.test:\(port):127.0.0.1"]),
                "http://files.test:\(port)/to?to=http://other.test:\(port)/file", port: port)
            #expect(renamed.kind == .refusedAddress)
            #expect(target.count("/file") == 1)

            // Allowed, the same redirect is followed.
            _ = try await fetch(
                try client(allowing: ["files.test", "127.0.0.1"], resolve: ["files.test:\(port):127.0.0.1"]),
                "http://files.test:\(port)/to?to=\(internalURL)")
            #expect(target.count("/file") == 2)
        }
    }

    @Test func aNameThatResolvesToLoopbackIsRefusedAndAllowedByNameOrBlock() async throws {
        let target = Target()
        try await target.run { port in
            let resolve = ["rebind.test:\(port):127.0.0.1"]
            let error = try await refusal(try client(resolve: resolve), "http://rebind.test:\(port)/file", port: port)
            #expect(error.message.contains("loopback"))
            #expect(target.total == 0)

            _ = try await fetch(try client(allowing: ["rebind.test"], resolve: resolve), "http://rebind.test:\(port)/file")
            _ = try await fetch(try client(allowing: ["127.0.0.1/32"], resolve: resolve), "http://rebind.test:\(port)/file")
            #expect(target.count("/file") == 2)
        }
    }

    @Test func redirectsAreLimited() async throws {
        let target = Target()
        try await target.run { port in
            let allowed = try client(allowing: ["127.0.0.1"])
            _ = try await fetch(allowed, "http://127.0.0.1:\(port)/hops/3")
            let directory = try TemporaryDirectory()
            var request = Generation.HTTPRequest(.get, "http://127.0.0.1:\(port)/hops/4")
            request.maxRedirects = 3
            let error = try await #require(throws: HTTPClientError.self) {
                try await allowed.download(request, to: directory.file("out"), limit: 1 << 20)
            }
            #expect(error.kind == .tooManyRedirects)
            #expect(!error.isTransient)
            #expect(target.count("/hops") == 3 + 4)
            #expect(target.count("/file") == 1)
        }
    }

    @Test func redirectsCanBeHeldToHTTPS() async throws {
        let target = Target()
        try await target.run { port in
            let directory = try TemporaryDirectory()
            var request = Generation.HTTPRequest(.get, "http://127.0.0.1:\(port)/hops/1")
            request.redirectSchemes = .httpsOnly
            let error = try await #require(throws: HTTPClientError.self) {
                try await client(allowing: ["127.0.0.1"]).download(request, to: directory.file("out"), limit: 1 << 20)
            }
            #expect(error.kind == .invalidRequest, "\(error)")
            #expect(target.count("/file") == 0)
        }
    }

    @Test func aServerThatSendsNothingTimesOutAtTheMinimumSpeed() async throws {
        let server = HTTPClientTestServer()
        try await server.run { base in
            // /hang answers after 20 s (well within the timeout): only the floor makes this fail.
            var request = Generation.HTTPRequest(.get, base + "/hang", timeout: .seconds(120))
            request.minimumSpeed = (bytesPerSecond: 1000, window: .seconds(1))
            let error = try await #require(throws: HTTPClientError.self) {
                try await CurlHTTPClient(environment: [:]).send(request)
            }
            #expect(error.kind == .timeout)
        }
    }

    /// The unguarded client (providers' APIs, configured by the operator) is unchanged.
    @Test func aClientWithoutAPolicyReachesLoopback() async throws {
        let target = Target()
        try await target.run { port in
            _ = try await fetch(CurlHTTPClient(environment: [:]), "http://127.0.0.1:\(port)/file")
            #expect(target.count("/file") == 1)
        }
    }
}
