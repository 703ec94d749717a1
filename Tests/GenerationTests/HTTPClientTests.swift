import Crypto
import Foundation
import TestSupport
import Testing

@testable import Generation

#if canImport(Glibc)
    import Glibc
#endif

/// `CurlHTTPClient` against real loopback servers (Hummingbird): real bytes, real
/// sockets, outcomes only (never wall-clock timings).
@Suite struct HTTPClientTests {
    let server = HTTPClientTestServer()

    private func makeClient() -> CurlHTTPClient {
        CurlHTTPClient(userAgent: "merge-server-test", environment: [:])
    }

    // MARK: send

    @Test func getReturnsStatusHeadersAndBody() async throws {
        let client = makeClient()
        try await server.run { base in
            let response = try await client.send(HTTPRequest(.get, base + "/hello"))
            #expect(response.status == 200)
            #expect(response.isSuccess)
            #expect(String(decoding: response.body, as: UTF8.self) == "hello")
            #expect(response.header("x-greeting") == "hi")
            #expect(response.header("CONTENT-TYPE") == "text/plain")
            #expect(response.header("X-Missing") == nil)
        }
    }

    @Test func postsJSONAndSendsHeaders() async throws {
        let client = makeClient()
        try await server.run { base in
            let request = try HTTPRequest.json(.post, base + "/echo", ["prompt": "a red fox"], headers: [("X-Custom", "42")])
            let response = try await client.send(request)
            #expect(response.status == 200)
            let echo = try response.decode(Echo.self)
            #expect(echo.method == "POST")
            #expect(try JSONDecoder().decode([String: String].self, from: Data(echo.body.utf8)) == ["prompt": "a red fox"])
            #expect(echo.contentType == "application/json")
            #expect(echo.custom == "42")
            #expect(echo.userAgent == "merge-server-test")
            #expect(echo.expect == nil)
        }
    }

    @Test func putDeleteAndHeadSendTheirMethods() async throws {
        let client = makeClient()
        try await server.run { base in
            // FAL cancels with an empty PUT: it must say Content-Length: 0 and no form type.
            let emptyPut = try await client.send(HTTPRequest(.put, base + "/echo")).decode(Echo.self)
            #expect(emptyPut == Echo(method: "PUT", body: "", contentType: nil, contentLength: "0", userAgent: "merge-server-test"))

            let put = try await client.send(HTTPRequest(.put, base + "/echo", body: .bytes(Data("abc".utf8), contentType: "text/plain")))
            #expect(try put.decode(Echo.self).body == "abc")
            #expect(try put.decode(Echo.self).contentType == "text/plain")

            let delete = try await client.send(HTTPRequest(.delete, base + "/echo")).decode(Echo.self)
            #expect(delete.method == "DELETE")

            let head = try await client.send(HTTPRequest(.head, base + "/echo"))
            #expect(head.status == 200)
            #expect(head.header("X-Method") == "HEAD")
            #expect(head.body.isEmpty)
        }
    }

    @Test(arguments: [404, 500, 204, 418])
    func anyStatusIsAResponse(code: Int) async throws {
        let client = makeClient()
        try await server.run { base in
            let response = try await client.send(HTTPRequest(.get, base + "/status/\(code)"))
            #expect(response.status == code)
            #expect(response.isSuccess == (code == 204))
            if code != 204 { #expect(response.text() == "status \(code) body") }
        }
    }

    @Test func responseLimitIsEnforced() async throws {
        let client = makeClient()
        try await server.run { base in
            let exact = try await client.send(HTTPRequest(.get, base + "/bytes?size=5000"), limit: 5000)
            #expect(exact.body == Data(HTTPClientTestServer.payload(5000)))

            // Announced by Content-Length, and streamed without one.
            for url in [base + "/bytes?size=5000", base + "/bytes?size=300000&chunked=1"] {
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.send(HTTPRequest(.get, url), limit: 4999)
                }
                #expect(error?.kind == .tooLarge)
            }
        }
    }

    @Test func uploadsAFileFromDisk() async throws {
        let client = makeClient()
        let directory = try TemporaryDirectory()
        let path = directory.file("upload.bin")
        let bytes = Data(HTTPClientTestServer.payload(3 << 20))
        try bytes.write(to: URL(fileURLWithPath: path))
        try await server.run { base in
            let response = try await client.send(
                HTTPRequest(.post, base + "/raw", body: .file(path: path, contentType: "video/mp4")),
                limit: 8 << 20)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "video/mp4")
            #expect(response.body.count == bytes.count)
            #expect(SHA256.hash(data: response.body) == SHA256.hash(data: bytes))
        }
    }

    @Test func putsAFileBody() async throws {
        let client = makeClient()
        let directory = try TemporaryDirectory()
        let path = directory.file("note.txt")
        try Data("streamed from disk".utf8).write(to: URL(fileURLWithPath: path))
        try await server.run { base in
            let echo = try await client.send(HTTPRequest(.put, base + "/echo", body: .file(path: path, contentType: "text/plain")))
                .decode(Echo.self)
            #expect(
                echo
                    == Echo(
                        method: "PUT", body: "streamed from disk", contentType: "text/plain", contentLength: "18",
                        userAgent: "merge-server-test"))
        }
    }

    @Test func sendsMultipartFieldsAndFileParts() async throws {
        let client = makeClient()
        let directory = try TemporaryDirectory()
        let path = directory.file("picture.bin")
        let fileBytes = Data(HTTPClientTestServer.payload(200_000))
        try fileBytes.write(to: URL(fileURLWithPath: path))
        try await server.run { base in
            let parts = [
                MultipartPart(name: "prompt", content: .bytes(Data("a red fox".utf8))),
                MultipartPart(name: "image", filename: "pic.bin", contentType: "application/octet-stream", content: .file(path: path)),
            ]
            let response = try await client.send(HTTPRequest(.post, base + "/raw", body: .multipart(parts)))
            #expect(response.status == 200)
            let contentType = try #require(response.header("Content-Type"))
            #expect(contentType.hasPrefix("multipart/form-data; boundary="))
            let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
            let body = response.body

            let field = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na red fox\r\n".utf8)
            #expect(body.starts(with: field))
            var filePart = Data(
                ("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"pic.bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").utf8)
            filePart.append(fileBytes)
            filePart.append(Data("\r\n--\(boundary)--\r\n".utf8))
            #expect(body.range(of: filePart) != nil)
            #expect(body.count == field.count + filePart.count)
        }
    }

    // MARK: download

    @Test(arguments: [(0, false), (1000, false), (3_000_000, false), (3_000_000, true)])
    func downloadsAndHashesWhileWriting(size: Int, chunked: Bool) async throws {
        let client = makeClient()
        let directory = try TemporaryDirectory()
        let path = directory.file("out.bin")
        let expected = Data(HTTPClientTestServer.payload(size))
        try await server.run { base in
            let url = base + "/bytes?size=\(size)" + (chunked ? "&chunked=1" : "")
            let file = try await client.download(HTTPRequest(.get, url), to: path, limit: 10 << 20)
            #expect(file.path == path)
            #expect(file.status == 200)
            #expect(file.sizeBytes == Int64(size))
            #expect(file.contentType == "application/octet-stream")
            #expect(file.sha256 == TestMedia.sha256(expected))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == expected)
            #expect(directory.contents() == ["out.bin"])
        }
    }

    @Test(arguments: [false, true])
    func downloadOverTheLimitLeavesNoFile(chunked: Bool) async throws {
        let client = makeClient()
        let directory = try TemporaryDirectory()
        try await server.run { base in
            let url = base + "/bytes?size=500000" + (chunked ? "&chunked=1" : "")
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.download(HTTPRequest(.get, url), to: directory.file("out.bin"), limit: 100_000)
            }
            #expect(error?.kind == .tooLarge)
            #expect(directory.contents().isEmpty)
        }
    }

    @Test func downloadOfAnErrorStatusThrowsWithTheBody() async throws {
        let client = makeClient()
        let directory = try TemporaryDirectory()
        try await server.run { base in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.download(HTTPRequest(.get, base + "/status/404"), to: directory.file("out.bin"), limit: 1 << 20)
            }
            #expect(error?.kind == .status)
            #expect(error?.status == 404)
            #expect(error?.message.contains("status 404 body") == true)
            #expect(directory.contents().isEmpty)
        }
    }

    @Test func downloadFollowsRedirects() async throws {
        let client = makeClient()
        let directory = try TemporaryDirectory()
        try await server.run { base in
            let file = try await client.download(HTTPRequest(.get, base + "/redirect"), to: directory.file("out.txt"), limit: 1 << 20)
            #expect(file.status == 200)
            #expect(file.sizeBytes == 5)
            #expect(try String(contentsOfFile: directory.file("out.txt"), encoding: .utf8) == "hello")
        }
    }

    @Test func downloadThatTimesOutLeavesNoFile() async throws {
        let client = makeClient()
        let directory = try TemporaryDirectory()
        try await server.run { base in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.download(
                    HTTPRequest(.get, base + "/trickle", timeout: .milliseconds(700)), to: directory.file("out.bin"),
                    limit: 1 << 30)
            }
            #expect(error?.kind == .timeout)
            #expect(error?.sent == true)
            #expect(directory.contents().isEmpty)
        }
    }

    @Test func downloadIntoAMissingDirectoryIsAnIOError() async throws {
        let client = makeClient()
        try await server.run { base in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.download(HTTPRequest(.get, base + "/hello"), to: "/nonexistent-dir/out.bin", limit: 1 << 20)
            }
            #expect(error?.kind == .io)
            #expect(error?.sent == false)
        }
    }

    // MARK: redirects, failures, timeouts

    @Test func followsRedirectsAndKeepsOnlyTheFinalHeaders() async throws {
        let client = makeClient()
        try await server.run { base in
            let response = try await client.send(HTTPRequest(.get, base + "/redirect"))
            #expect(response.status == 200)
            #expect(response.text() == "hello")
            #expect(response.header("X-Hop") == nil)
            #expect(response.header("Location") == nil)
            #expect(response.header("X-Greeting") == "hi")

            let error = await #expect(throws: HTTPClientError.self) {
                try await client.send(HTTPRequest(.get, base + "/redirect-loop"))
            }
            #expect(error?.kind == .tooManyRedirects)
            #expect(error?.status == 302)
        }
    }

    @Test func aRedirectIsTheAnswerWhenFollowingIsOff() async throws {
        let client = makeClient()
        try await server.run { base in
            let response = try await client.send(HTTPRequest(.get, base + "/redirect", followRedirects: false))
            #expect(response.status == 302)
            #expect(response.header("Location") == "/redirect/2")
            #expect(response.header("X-Hop") == "1")
        }
    }

    @Test func errorsKeepOnlySchemeHostPortAndPath() async throws {
        let port = try Self.closedPort()
        let error = await #expect(throws: HTTPClientError.self) {
            try await makeClient().send(HTTPRequest(.get, "http://user:pass@127.0.0.1:\(port)/v1/files/a:download?alt=media&key=SECRET#frag"))
        }
        #expect(error?.kind == .connect)
        #expect(error?.url == "http://127.0.0.1:\(port)/v1/files/a:download")
        #expect(error.map { "\($0)" }?.contains("SECRET") == false)

        #expect(
            HTTPClientError.redacted("https://u:p@storage.example:8443/b/o.mp4?X-Goog-Signature=abc#t=1") == "https://storage.example:8443/b/o.mp4")
        #expect(HTTPClientError.redacted("https://api.example/v1?key=k") == "https://api.example/v1")
        #expect(HTTPClientError.redacted("not a url ?key=k") == "not a url ")
        #expect(HTTPClientError.redacted("https://u:p@host/a b?key=k") == "https://host/a%20b")
        let built = HTTPClientError(.status, "HTTP 403", url: "https://storage.example/o.mp4?sig=SECRET", sent: true, status: 403)
        #expect(built.url == "https://storage.example/o.mp4")
        #expect(!built.description.contains("SECRET"))
    }

    @Test func refusedConnectionIsAConnectErrorNotSent() async throws {
        let port = try Self.closedPort()
        let error = await #expect(throws: HTTPClientError.self) {
            try await makeClient().send(
                HTTPRequest(.post, "http://127.0.0.1:\(port)/create", body: .bytes(Data("{}".utf8), contentType: "application/json")))
        }
        #expect(error?.kind == .connect)
        #expect(error?.sent == false)
    }

    @Test func tlsFailureIsATLSErrorNotSent() async throws {
        let client = makeClient()
        try await server.run { base in
            // TLS to a plain-HTTP port: the handshake fails.
            let url = base.replacingOccurrences(of: "http://", with: "https://") + "/hello"
            // A loaded machine may take seconds to answer the handshake: only a real hang times out.
            var request = HTTPRequest(.get, url)
            request.connectTimeout = .seconds(90)
            request.timeout = .seconds(120)
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.send(request)
            }
            #expect(error?.kind == .tls)
            #expect(error?.sent == false)
        }
    }

    @Test func invalidRequestsAreRefusedBeforeSending() async throws {
        let client = makeClient()
        let ftp = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(.get, "ftp://127.0.0.1/file"))
        }
        #expect(ftp?.kind == .invalidRequest)
        #expect(ftp?.sent == false)

        let missing = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(.post, "http://127.0.0.1:1/", body: .file(path: "/nonexistent/file.bin", contentType: "video/mp4")))
        }
        #expect(missing?.kind == .io)

        let injected = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPRequest(.get, "http://127.0.0.1:1/", headers: [("X-Evil", "a\r\nHost: other")]))
        }
        #expect(injected?.kind == .invalidRequest)
    }

    @Test func aServerThatHangsTimesOutAfterSending() async throws {
        let client = makeClient()
        try await server.run { base in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.send(HTTPRequest(.get, base + "/hang", timeout: .milliseconds(500)))
            }
            #expect(error?.kind == .timeout)
            #expect(error?.sent == true)
        }
    }

    // MARK: cancellation

    @Test func cancellingStopsTheRequestAndTheClientKeepsWorking() async throws {
        let client = makeClient()
        let server = server
        try await server.run { base in
            let task = Task { try await client.send(HTTPRequest(.get, base + "/hang", timeout: .seconds(60))) }
            try await waitUntil { server.hanging > 0 }
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }

            let next = try await client.send(HTTPRequest(.get, base + "/hello"))
            #expect(next.text() == "hello")
        }
    }

    @Test func cancellingADownloadRemovesThePartialFile() async throws {
        let client = makeClient()
        let directory = try TemporaryDirectory()
        try await server.run { base in
            let task = Task { try await client.download(HTTPRequest(.get, base + "/trickle"), to: directory.file("out.bin"), limit: 1 << 30) }
            try await waitUntil { directory.contents() == ["out.bin.partial"] }
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(directory.contents().isEmpty)
        }
    }

    @Test func aTaskCancelledBeforeSendingThrowsCancellation() async throws {
        let client = makeClient()
        try await server.run { base in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.send(HTTPRequest(.get, base + "/hello"))
            }
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            let next = try await client.send(HTTPRequest(.get, base + "/hello"))
            #expect(next.text() == "hello")
        }
    }

    // MARK: connections and concurrency

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let client = makeClient()
        try await server.run { base in
            for _ in 0..<5 {
                let response = try await client.send(HTTPRequest(.get, base + "/hello"))
                #expect(response.text() == "hello")
            }
            #expect(client.connectionsOpened == 1)
        }
    }

    @Test func manyConcurrentRequestsAreAllAnswered() async throws {
        let client = makeClient()
        try await server.run { base in
            let answers = try await withThrowingTaskGroup(of: (Int, Echo).self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let request = HTTPRequest(.post, base + "/echo", body: .bytes(Data("request \(index)".utf8), contentType: "text/plain"))
                        return (index, try await client.send(request).decode(Echo.self))
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(answers.count == 50)
            for (index, echo) in answers { #expect(echo.body == "request \(index)") }
        }
    }

    // MARK: proxies

    @Test func requestsGoThroughTheEnvironmentsProxy() async throws {
        let proxy = HTTPClientFakeProxy()
        try await server.run { base in
            try await proxy.run { proxyURL in
                let proxied = CurlHTTPClient(environment: ["http_proxy": proxyURL])
                let response = try await proxied.send(HTTPRequest(.get, "http://example.invalid/generate?id=7"))
                #expect(response.text() == "via proxy")
                #expect(proxy.receivedTargets == ["http://example.invalid/generate?id=7"])

                // Uppercase HTTP_PROXY is never honoured for http (httpoxy).
                let httpoxy = CurlHTTPClient(environment: ["HTTP_PROXY": proxyURL])
                let direct = try await httpoxy.send(HTTPRequest(.get, base + "/hello"))
                #expect(direct.text() == "hello")

                // NO_PROXY hosts are reached directly.
                let bypass = CurlHTTPClient(environment: ["http_proxy": proxyURL, "NO_PROXY": "127.0.0.1"])
                let bypassed = try await bypass.send(HTTPRequest(.get, base + "/hello"))
                #expect(bypassed.text() == "hello")
                #expect(proxy.receivedTargets.count == 1)
            }
        }
    }

    @Test func proxyVariablesResolveByScheme() {
        let upper = CurlProxyEnvironment([
            "HTTPS_PROXY": "http://secure:3128", "ALL_PROXY": "http://all:3128", "HTTP_PROXY": "http://evil:1",
            "NO_PROXY": "internal",
        ])
        #expect(upper.proxy(for: "https://api.fal.ai/x") == "http://secure:3128")
        #expect(upper.proxy(for: "http://api.fal.ai/x") == "http://all:3128")
        #expect(upper.noProxy == "internal")

        let lower = CurlProxyEnvironment(["https_proxy": "http://low:1", "HTTPS_PROXY": "http://up:1", "http_proxy": "http://plain:1"])
        #expect(lower.proxy(for: "HTTPS://api.fal.ai") == "http://low:1")
        #expect(lower.proxy(for: "http://api.fal.ai") == "http://plain:1")
        #expect(CurlProxyEnvironment([:]).proxy(for: "https://api.fal.ai") == "")
        #expect(CurlProxyEnvironment(["HTTP_PROXY": "http://evil:1"]).proxy(for: "http://api.fal.ai") == "")
    }

    // MARK: helpers

    /// A loopback port nothing listens on: bound by the kernel, then released.
    private static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
