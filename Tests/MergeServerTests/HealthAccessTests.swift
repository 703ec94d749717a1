import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// Who sees what of the server's health once it has keys: `/health/live` is open and bare;
/// `/health` gives everyone its status code and only an admin key or the metrics token the report.
@Suite struct HealthAccessTests {
    static let token = "scrape-token-0123456789"

    static func get(
        _ client: some TestClientProtocol, _ uri: String, _ headers: HTTPFields = [:]
    ) async throws
        -> (status: HTTPResponse.Status, body: [String: Any])
    {
        try await client.execute(uri: uri, method: .get, headers: headers) { ($0.status, (try? jsonObject($0.body)) ?? [:]) }
    }

    @Test func liveIsOpenAndBareWithOrWithoutKeys() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            let answer = try await Self.get(client, "/health/live")
            #expect(answer.status == .ok && answer.body.keys.sorted() == ["status"] && answer.body["status"] as? String == "ok")
        }
        _ = try await server.dependencies.apiKeys.create(name: "reader", scopes: [.read])
        // Even a server that cannot work (no free disk) is alive.
        let short = try await TestServer.make(workers: 0) { $0.minFreeDiskBytes = Int64.max / 2 }
        _ = try await short.dependencies.apiKeys.create(name: "reader", scopes: [.read])
        for candidate in [server, short] {
            try await candidate.test { client in
                let answer = try await Self.get(client, "/health/live")
                #expect(answer.status == .ok && answer.body.keys.sorted() == ["status"])
                try await client.execute(uri: "/health/live", method: .get) { #expect($0.headers[.cacheControl] == "no-store") }
            }
        }
    }

    @Test func theReportNeedsAnAdminKeyOrTheToken() async throws {
        let server = try await TestServer.make(workers: 0) { $0.metricsToken = Self.token }
        let reader = try await server.dependencies.apiKeys.create(name: "reader", scopes: [.read, .render]).key
        let admin = try await server.dependencies.apiKeys.create(name: "ops", scopes: [.admin]).key
        try await server.test { client in
            // A load balancer: the status code and the status word, nothing that maps the host.
            let bare = try await Self.get(client, "/health")
            #expect(bare.status == .ok && bare.body.keys.sorted() == ["status"] && bare.body["status"] as? String == "ok")
            let asReader = try await Self.get(client, "/health", bearer(reader))
            #expect(asReader.status == .ok && asReader.body.keys.sorted() == ["status"], "a key without admin is not the operator")
            for headers in [bearer(admin), bearer(Self.token)] {
                let report = try await Self.get(client, "/health", headers)
                #expect(report.status == .ok && report.body["version"] as? String == MergeServerVersion.current)
                #expect((report.body["database"] as? [String: Any])?["path"] is String, "the operator sees the detail")
                #expect(report.body["generation"] is [String: Any] && report.body["queue"] is [String: Any])
            }
            // A credential that is sent must be valid.
            let wrong = try await Self.get(client, "/health", bearer(Self.token + "x"))
            #expect(wrong.status == .unauthorized && wrong.body["type"] as? String == "unauthorized")
        }
    }

    @Test func anUnhealthyServerSays503ToEveryoneAndWhyOnlyToTheOperator() async throws {
        let server = try await TestServer.make(workers: 0) {
            $0.minFreeDiskBytes = Int64.max / 2
            $0.metricsToken = Self.token
        }
        _ = try await server.dependencies.apiKeys.create(name: "reader", scopes: [.read])
        try await server.test { client in
            let bare = try await Self.get(client, "/health")
            #expect(bare.status == .serviceUnavailable && bare.body.keys.sorted() == ["status"])
            #expect(bare.body["status"] as? String == "unhealthy")
            let report = try await Self.get(client, "/health", bearer(Self.token))
            #expect(report.status == .serviceUnavailable)
            #expect((report.body["problems"] as? [String])?.first?.contains("bytes free in") == true, "the operator's detail names the path")
        }
    }
}
