import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// API keys at the HTTP edge: the Bearer challenge, scopes, revocation, the open
/// no-key mode, the key routes, and the start-up refusal on a public address.
@Suite struct APIKeyAuthTests {
    func makeKey(_ server: TestServer, _ scopes: Set<APIKeyScope>) async throws -> String {
        try await server.dependencies.apiKeys.create(name: "test \(APIKeyScope.text(scopes))", scopes: scopes).key
    }

    @Test func withoutKeysTheLoopbackServerStaysOpen() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let answer = try await client.getJSON("/api/jobs")
            #expect(answer.status == .ok)
        }
    }

    @Test func missingMalformedAndUnknownKeysAre401WithTheChallenge() async throws {
        let server = try await TestServer.make()
        _ = try await makeKey(server, [.read])
        let unknown = "msk_" + String(repeating: "0", count: 40)
        let cases: [(HTTPFields, String)] = [
            ([:], "Bearer"),
            ([.authorization: "Basic dXNlcjpwYXNz"], "Bearer"),
            ([.authorization: "Bearer "], "Bearer"),
            (bearer(unknown), #"Bearer error="invalid_token""#),
            (bearer("msk_not-hex"), #"Bearer error="invalid_token""#),
        ]
        try await server.test { client in
            for (headers, challenge) in cases {
                try await client.execute(uri: "/api/jobs", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized, "\(headers)")
                    #expect(response.headers[.wwwAuthenticate] == challenge, "\(headers)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let body = try jsonObject(response.body)
                    #expect(body["type"] as? String == "unauthorized")
                }
            }
        }
    }

    @Test func aValidKeyPassesAndBareRoutesStayOpen() async throws {
        let server = try await TestServer.make()
        let key = try await makeKey(server, [.read])
        try await server.test { client in
            try await client.execute(uri: "/api/jobs", method: .get, headers: bearer(key)) { response in
                #expect(response.status == .ok)
            }
            // The scheme's case does not matter (RFC 9110).
            try await client.execute(uri: "/api/models", method: .get, headers: [.authorization: "bearer \(key)"]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/health", method: .get) { response in #expect(response.status == .ok) }
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    @Test func aKeyWithoutTheRoutesScopeIs403() async throws {
        let server = try await TestServer.make()
        let reader = try await makeKey(server, [.read])
        let renderer = try await makeKey(server, [.render])
        let admin = try await makeKey(server, [.admin])
        let timeline = timelineJSON(clips: ["ast_000000000000000000000000", "ast_000000000000000000000001"])
        try await server.test { client in
            let refused = try await client.postJSON("/api/mv/merge_videos", timeline, headers: bearer(reader))
            #expect(refused.status == .forbidden)
            #expect(refused.body["type"] as? String == "insufficient_scope")
            let generation = try await client.postJSON("/api/mv/create_scenes", "{}", headers: bearer(renderer))
            #expect(generation.status == .forbidden)
            try await client.execute(uri: "/api/jobs", method: .get, headers: bearer(renderer)) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer error="insufficient_scope", scope="read""#)
            }
            try await client.execute(uri: "/api/keys", method: .get, headers: bearer(reader)) { response in
                #expect(response.status == .forbidden)
            }
            // Past the scope check the route itself answers: unknown assets are a 422.
            let allowed = try await client.postJSON("/api/mv/merge_videos", timeline, headers: bearer(renderer))
            #expect(allowed.status == .unprocessableContent)
            // admin implies every scope.
            let asAdmin = try await client.postJSON("/api/mv/merge_videos", timeline, headers: bearer(admin))
            #expect(asAdmin.status == .unprocessableContent)
        }
    }

    @Test func keyRoutesCreateListAndRevoke() async throws {
        let server = try await TestServer.make()
        let admin = try await makeKey(server, [.admin])
        try await server.test { client in
            let created = try await client.postJSON(
                "/api/keys", #"{"name": "studio", "scopes": ["read"], "budget_usd": 25, "rate_per_minute": 60}"#,
                headers: bearer(admin))
            #expect(created.status == .created)
            let key = try #require(created.body["key"] as? String)
            let id = try #require(created.body["id"] as? String)
            #expect(key.hasPrefix("msk_") && key.count == 44)
            #expect(created.body["scopes"] as? [String] == ["read"])
            #expect(created.body["budget_usd"] as? Double == 25)
            #expect(key.hasPrefix(try #require(created.body["prefix"] as? String)))

            try await client.execute(uri: "/api/jobs", method: .get, headers: bearer(key)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/keys", method: .get, headers: bearer(admin)) { response in
                #expect(response.status == .ok)
                let keys = try #require(try jsonObject(response.body)["keys"] as? [[String: Any]])
                #expect(keys.count == 2)
                #expect(keys.allSatisfy { $0["key"] == nil }, "a listing never shows a secret")
                #expect(!String(buffer: response.body).contains(key))
            }
            try await client.execute(uri: "/api/keys/\(id)", method: .delete, headers: bearer(admin)) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                #expect(body["revoked_at"] is String)
            }
            try await client.execute(uri: "/api/jobs", method: .get, headers: bearer(key)) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("revoked"))
            }
            try await client.execute(uri: "/api/keys/key_000000000000000000000000", method: .delete, headers: bearer(admin)) {
                response in
                #expect(response.status == .notFound)
            }
            let invalid = try await client.postJSON(
                "/api/keys", #"{"name": "", "scopes": ["root"], "max_concurrent": 0, "colour": 1}"#, headers: bearer(admin))
            #expect(invalid.status == .unprocessableContent)
            let fields = (invalid.body["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields == ["colour"], "unknown fields are refused before the rest is judged")
            let wrong = try await client.postJSON(
                "/api/keys", #"{"name": "", "scopes": ["root"], "max_concurrent": 0}"#, headers: bearer(admin))
            let wrongFields = Set((wrong.body["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(wrongFields == ["name", "scopes[0]", "max_concurrent"])
        }
    }

    /// The first key can be made from the loopback server while it is open; from then
    /// on every API request needs a key, even after the last key is revoked.
    @Test func theFirstKeyClosesTheOpenServerForGood() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let created = try await client.postJSON("/api/keys", #"{"name": "first", "scopes": ["admin"]}"#)
            #expect(created.status == .created)
            let id = try #require(created.body["id"] as? String)
            #expect(try await client.getJSON("/api/jobs").status == .unauthorized)
            _ = try await server.dependencies.apiKeys.revoke(id: id)
            #expect(try await client.getJSON("/api/jobs").status == .unauthorized)
        }
    }

    @Test func aPublicAddressWithoutKeysRefusesToStart() async throws {
        await #expect(throws: ConfigurationError.self) {
            _ = try await TestServer.make { $0.host = "0.0.0.0" }
        }
        _ = try await TestServer.make {
            $0.host = "0.0.0.0"
            $0.insecureNoAuth = true
        }
        #expect(OpenAccessCheck.isLoopback("127.0.0.1") && OpenAccessCheck.isLoopback("127.8.0.1"))
        #expect(OpenAccessCheck.isLoopback("::1") && OpenAccessCheck.isLoopback("[::1]") && OpenAccessCheck.isLoopback("localhost"))
        #expect(!OpenAccessCheck.isLoopback("0.0.0.0") && !OpenAccessCheck.isLoopback("::") && !OpenAccessCheck.isLoopback("10.0.0.1"))
    }

    /// Every documented API route has a rule of its own: a route added without one would
    /// fall to the admin-only default and this test names it.
    @Test func everyDocumentedRouteHasAScopeRule() {
        for route in OpenAPISpec.shared.routes.sorted() {
            let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
            let path = parts[1].replacingOccurrences(of: "{id}", with: "x")
            let requirement = RouteScopes.requirement(method: HTTPRequest.Method(rawValue: parts[0])!, path: path)
            if path == "/metrics" {
                #expect(requirement == .adminOrMetricsToken, "\(route)")
            } else if path == "/health" {
                #expect(requirement == .openWithOperatorDetail, "\(route)")
            } else if !path.hasPrefix("/api/") {
                #expect(requirement == .open, "\(route)")
            } else if path.hasSuffix("/webhook-secret") {
                #expect(requirement == .anyOf(Set(APIKeyScope.allCases)), "\(route): any key, for its own secret")
            } else if path.hasPrefix("/api/keys") || path == "/api/audit" {
                #expect(requirement == .anyOf([.admin]), "\(route)")
            } else {
                #expect(requirement != .anyOf([.admin]), "\(route) has no scope rule in RouteScopes")
                #expect(requirement != .open, "\(route)")
            }
        }
        // Doubled slashes and case do not slip past the admin rule.
        #expect(RouteScopes.requirement(method: .get, path: "//api//keys") == .anyOf([.admin]))
        #expect(RouteScopes.requirement(method: .post, path: "/API/Keys") == .anyOf([.admin]))
        #expect(RouteScopes.requirement(method: .get, path: "/api/%6Beys") == .anyOf([.admin]))
        #expect(RouteScopes.requirement(method: .get, path: "/api/jobs/../keys") == .anyOf([.admin]))
        #expect(RouteScopes.requirement(method: .put, path: "/api/jobs") == .anyOf([.admin]))
        // Only the POST of a key's webhook secret is opened to every key.
        #expect(RouteScopes.requirement(method: .get, path: "/api/keys/x/webhook-secret") == .anyOf([.admin]))
        #expect(RouteScopes.requirement(method: .post, path: "/api/keys/x/webhook-secret/x") == .anyOf([.admin]))
        #expect(RouteScopes.requirement(method: .post, path: "/api/keys/../webhook-secret") == .anyOf([.admin]))
    }

    /// Once keys exist `/metrics` needs an admin key or the scraper's token; `/health` stays open.
    @Test func metricsNeedAnAdminKeyOrTheToken() async throws {
        let token = "scrape-token-0123456789"
        let server = try await TestServer.make { $0.metricsToken = token }
        try await server.test { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .ok, "open while no key exists") }
        }
        let reader = try await makeKey(server, [.read])
        let admin = try await makeKey(server, [.admin])
        try await server.test { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: bearer(reader)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/metrics", method: .get, headers: bearer(admin)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get, headers: bearer(token)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get, headers: bearer(token + "x")) {
                #expect($0.status == .unauthorized)
            }
            // The token opens nothing else.
            try await client.execute(uri: "/api/jobs", method: .get, headers: bearer(token)) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
    }
}
