import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// The web studio's files: served with their types and a strict policy, revalidated by
/// ETag, nothing outside the table reachable; the browser guard lets the page's own
/// requests through and keeps other sites out. (The page itself is tested in a real
/// browser by scripts/browser-tests.sh.)
@Suite struct StudioTests {
    @Test func thePageAndItsFilesComeWithTypesAPolicyAndAnETag() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            let etag = try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                #expect(policy.contains("default-src 'self'") && policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.cacheControl] == "no-cache")
                #expect(String(buffer: response.body).contains("<script type=\"module\" src=\"/studio/main.js\"></script>"))
                return response.headers[.eTag] ?? ""
            }
            #expect(etag.hasPrefix("\"") && etag.count > 10)
            try await client.execute(uri: "/", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified && response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/", method: .head) { response in
                #expect(response.status == .ok && response.body.readableBytes == 0)
                #expect(response.headers[.contentLength] == String(StudioFiles.files["index.html"]?.bytes.count ?? -1))
            }
            try await client.execute(uri: "/studio/studio.css", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/css; charset=utf-8")
            }
            // Every module a module imports is served, as JavaScript (a file missing from
            // StudioFiles or Package.swift would break the page).
            for (name, file) in StudioFiles.files where name.hasSuffix(".js") {
                let text = String(decoding: file.bytes, as: UTF8.self)
                for imported in Self.imports(in: text) {
                    try await client.execute(uri: "/studio/\(imported)", method: .get) { response in
                        #expect(response.status == .ok, "\(name) imports \(imported)")
                        #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                    }
                }
            }
        }
    }

    @Test func nothingOutsideTheStudioIsReachable() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            for uri in [
                "/studio/nope.js", "/studio/", "/studio", "/studio/index.html", "/studio/..", "/studio/%2e%2e", "/studio/..%2fPackage.swift",
                "/studio/%2e%2e%2fopenapi.yaml", "/studio/../Package.swift", "/studio/main.js%00", "/studio/MAIN.JS", "/index.html",
                "/studio/studio/main.js",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri): \(response.status)")
                    #expect(!String(buffer: response.body).contains("import "), "\(uri) served a module")
                }
            }
        }
    }

    /// The page's own requests carry its origin, which names this server: they pass.
    /// Another site's carry another origin: refused before any route runs. Dot segments
    /// sent as they are (curl --path-as-is) reach no file. (The real binary: the Host and
    /// Origin a browser sends.)
    @Test func thePagesOwnOriginPassesTheBrowserGuardAndOthersDoNot() throws {
        let data = try TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: data.path, workers: 0)
        defer { server.stop() }
        func code(_ arguments: [String], _ path: String) throws -> Int {
            Int(try server.curl(["-o", "/dev/null", "-w", "%{http_code}"] + arguments, path).split(separator: "\n").last ?? "") ?? -1
        }
        let body = #"{"audio": "ast_000000000000000000000000"}"#
        let post = ["-X", "POST", "-H", "Content-Type: application/json", "-d", body]
        #expect(try code(post + ["-H", "Origin: \(server.base)"], "/api/mv/analyze_audio") == 422, "the page's request reaches the route")
        #expect(try code(post + ["-H", "Origin: http://evil.example"], "/api/mv/analyze_audio") == 403)
        #expect(try code(["-H", "Origin: http://evil.example"], "/") == 403, "a foreign page cannot read the studio through a visitor")
        #expect(try code(["-H", "Host: evil.example"], "/") == 421, "nor through a rebound name")
        #expect(try code([], "/") == 200)
        for path in ["/studio/../Package.swift", "/studio/%2e%2e/Package.swift", "/studio/..%2f..%2fPackage.swift", "/studio/./main.js/.."] {
            let status = try code(["--path-as-is"], path)
            #expect(status == 404 || status == 400, "\(path): \(status)")
        }
        // Only GET and HEAD: the files are not a place to write (an unlisted method is the
        // router's 404 or 405, never a write).
        for method in ["POST", "PUT", "DELETE"] {
            for path in ["/", "/studio/main.js"] {
                let status = try code(["-X", method, "-H", "Content-Type: application/json", "-d", "{}"], path)
                #expect(status == 404 || status == 405, "\(method) \(path): \(status)")
            }
        }
    }

    static func imports(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("import "), let start = line.range(of: "\"./"), let end = line.range(of: ".js\"") else { return nil }
            return String(line[start.upperBound..<end.lowerBound]) + ".js"
        }
    }
}
