import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// /health, /metrics, /openapi.yaml and request ids.
@Suite struct OperationsTests {
    @Test func healthReportsDependenciesAndGoesUnhealthyWhenTheDiskIsShort() async throws {
        let server = try await TestServer.make(workers: 2) { $0.limits.verboseHealth = true }
        try await server.test { client in
            let health = try await client.getJSON("/health")
            #expect((health.body["database"] as? [String: Any])?["path"] as? String != nil, "verbose: the paths")
            #expect(health.status == .ok && health.body["status"] as? String == "ok")
            #expect((health.body["database"] as? [String: Any])?["ok"] as? Bool == true)
            let workers = health.body["workers"] as? [String: Any]
            #expect(workers?["total"] as? Int == 10 && workers?["generation"] as? Int == 8, "2 job workers + 8 for generation")
            #expect(health.body["version"] as? String == MergeServerVersion.current)
            #expect(((health.body["disk"] as? [String: Any])?["free_bytes"] as? Int ?? 0) > 0)
            #expect((health.body["queue"] as? [String: Any])?["queued"] as? Int == 0)
            // The embedded server's own engine is the one worker seen (once it has beaten).
            var seen = workers?["seen"] as? [[String: Any]] ?? []
            for _ in 0..<50 where seen.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                seen = ((try await client.getJSON("/health")).body["workers"] as? [String: Any])?["seen"] as? [[String: Any]] ?? []
            }
            #expect(seen.count == 1 && seen.first?["concurrency"] as? Int == 10, "\(seen)")
            #expect(seen.first?["pid"] as? Int == Int(getpid()), "verbose: the process")
        }
        let short = try await TestServer.make(workers: 0) { $0.minFreeDiskBytes = Int64.max / 2 }
        try await short.test { client in
            let health = try await client.getJSON("/health")
            #expect(health.status == .serviceUnavailable && health.body["status"] as? String == "unhealthy")
            #expect((health.body["problems"] as? [String]) == ["the disk is nearly full"], "no path in the bare report")
            // The bare report: liveness and counts, nothing that maps the host.
            #expect((health.body["database"] as? [String: Any])?.keys.sorted() == ["ok"])
            #expect((health.body["disk"] as? [String: Any])?.keys.sorted() == ["ok"])
            #expect(health.body["generation"] == nil)
            #expect(((health.body["workers"] as? [String: Any])?["seen"] as? [[String: Any]])?.isEmpty == true, "an accept-only node runs no engine")
        }
    }

    @Test func metricsCountRequestsAndJobs() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            _ = try await client.postJSON("/api/mv/analyze_audio", "{\"audio\": \"\(song)\"}")
            _ = try await client.getJSON("/api/jobs/job_000000000000000000000000")
            let text = try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                return String(buffer: response.body)
            }
            #expect(text.contains("merge_server_queue_depth"))
            #expect(text.contains("merge_server_jobs{status=\"queued\"}"))
            #expect(text.contains("hb_requests{http_route=\"/api/mv/analyze_audio\",http_request_method=\"POST\",http_response_status_code=\"202\"}"))
            #expect(text.contains("http_response_status_code=\"404\""))
            #expect(text.contains("http_server_request_duration_bucket"), "latency histograms")
        }
    }

    /// The spec and the router list the same routes: neither can drift. (Every response
    /// the in-process suites make is also checked against the spec's schemas, by
    /// SpecConformanceMiddleware.)
    @Test func openAPIDescribesEveryRouteAndNothingElse() async throws {
        let server = try await TestServer.make(workers: 0)
        let router = MergeServerApp.buildRouter(server.dependencies)
        let routed = Set(router.routes.map { "\($0.method.rawValue.uppercased()) \($0.path.description)" })
        let documented = OpenAPISpec.shared.routes
        #expect(OpenAPISpec.shared.parseError == nil, "\(OpenAPISpec.shared.parseError ?? "")")
        #expect(OpenAPISpec.shared.document["openapi"] as? String == "3.1.0")
        #expect(!documented.isEmpty)
        #expect(routed.subtracting(documented).isEmpty, "routes missing from openapi.yaml: \(routed.subtracting(documented))")
        #expect(documented.subtracting(routed).isEmpty, "documented routes the router lacks: \(documented.subtracting(routed))")
        #expect((OpenAPISpec.shared.document["info"] as? [String: any Sendable])?["version"] as? String == MergeServerVersion.current)

        try await server.test { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok && Array(response.body.readableBytesView) == OpenAPIDocument.bytes)
            }
        }
    }

    /// The conformance check itself finds a renamed key, a missing one and an unlisted status.
    @Test func theSpecCheckCatchesAResponseThatDrifted() throws {
        let spec = OpenAPISpec.shared
        let job = #"{"job_id":"job_1","status":"queued","status_url":"/api/jobs/job_1","events_url":"/api/jobs/job_1/events"}"#
        #expect(
            spec.violations(
                method: "POST", path: "/api/mv/merge_videos", status: 202, contentType: "application/json",
                body: Data(job.utf8)) == [])
        let renamed = job.replacingOccurrences(of: "status_url", with: "statusURL")
        #expect(
            !spec.violations(
                method: "POST", path: "/api/mv/merge_videos", status: 202, contentType: "application/json",
                body: Data(renamed.utf8)
            ).isEmpty)
        #expect(
            !spec.violations(
                method: "POST", path: "/api/mv/merge_videos", status: 299, contentType: "application/json",
                body: Data(job.utf8)
            ).isEmpty)
        let wrongType = job.replacingOccurrences(of: "\"queued\"", with: "7")
        #expect(
            !spec.violations(
                method: "POST", path: "/api/mv/merge_videos", status: 202, contentType: "application/json",
                body: Data(wrongType.utf8)
            ).isEmpty)
    }

    @Test func requestIDsAreHonouredOrMade() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            try await client.execute(uri: "/health", method: .get, headers: [.requestID: "trace-42.a:b"]) { response in
                #expect(response.headers[.requestID] == "trace-42.a:b")
            }
            try await client.execute(uri: "/nowhere", method: .get, headers: [.requestID: "bad id\u{7}" + String(repeating: "x", count: 300)]) {
                response in
                let id = try #require(response.headers[.requestID])
                #expect(id.count <= 32 && !id.contains(" "))
                let problem = try jsonObject(response.body)
                #expect(problem["request_id"] as? String == id)
                #expect(problem["status"] as? Int == 404 && problem["title"] as? String == "Not Found")
            }
        }
    }
}
