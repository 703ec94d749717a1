import Foundation
import Hummingbird
import HummingbirdTesting
import MergeServer
import NIOCore
import Synchronization
import TestSupport
import Testing

/// The server with a provider key: requests reach the provider (here a fake Replicate
/// on loopback speaking its wire format), results come back as assets, costs are
/// recorded, provider errors become job errors, and a cancel reaches upstream.
@Suite struct RemoteProviderTests {
    enum Behaviour: Sendable { case succeed, hang, unauthorized }

    /// What the fake saw.
    final class Seen: Sendable {
        private let state = Mutex<(creates: [String], authorization: [String], cancels: Int)>(([], [], 0))
        func create(body: String, authorization: String) {
            state.withLock {
                $0.creates.append(body)
                $0.authorization.append(authorization)
            }
        }
        func cancel() { state.withLock { $0.cancels += 1 } }
        var creates: [String] { state.withLock { $0.creates } }
        var authorization: [String] { state.withLock { $0.authorization } }
        var cancels: Int { state.withLock { $0.cancels } }
    }

    static func fakeReplicate(_ behaviour: Behaviour, seen: Seen) -> some ApplicationProtocol {
        let router = Router()
        router.post("/v1/models/:owner/:name/predictions") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            seen.create(body: String(buffer: body), authorization: request.headers[.authorization] ?? "")
            if behaviour == .unauthorized {
                return Response(
                    status: .unauthorized, headers: [.contentType: "application/problem+json"],
                    body: .init(
                        byteBuffer: ByteBuffer(
                            string: #"{"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401}"#)))
            }
            return Self.json(#"{"id":"p1","status":"starting","output":null,"error":null,"urls":{"get":"","cancel":""}}"#, status: .created)
        }
        router.get("/v1/predictions/:id") { request, _ -> Response in
            let host = request.head.authority ?? "127.0.0.1"
            switch behaviour {
            case .succeed:
                return Self.json(
                    #"{"id":"p1","status":"succeeded","output":"http://\#(host)/files/out.mp4","error":null,"metrics":{"predict_time":4.2}}"#)
            case .hang, .unauthorized:
                return Self.json(#"{"id":"p1","status":"processing","output":null,"error":null}"#)
            }
        }
        router.post("/v1/predictions/:id/cancel") { _, _ -> Response in
            seen.cancel()
            return Self.json(#"{"id":"p1","status":"canceled","output":null,"error":null}"#)
        }
        router.get("/files/out.mp4") { _, _ -> Response in
            let data = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("clip_640x480_25.mp4")))
            return Response(status: .ok, headers: [.contentType: "video/mp4"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        return Application(router: router)
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func withServer(_ behaviour: Behaviour, _ test: @escaping @Sendable (TestServer, any TestClientProtocol, Seen) async throws -> Void) async throws
    {
        let seen = Seen()
        try await Self.fakeReplicate(behaviour, seen: seen).test(.live) { fake in
            let server = try await TestServer.make(workers: 1) { configuration in
                configuration.providerEnvironment = ["REPLICATE_API_TOKEN": "r8_test", "REPLICATE_BASE_URL": "http://127.0.0.1:\(fake.port!)"]
            }
            try await server.test { client in try await test(server, client, seen) }
        }
    }

    @Test func aRequestWithAKeyReachesTheProviderAndItsClipBecomesTheResult() async throws {
        try await withServer(.succeed) { server, client, seen in
            let models = try await client.getJSON("/api/models?kind=video").body["models"] as? [[String: Any]] ?? []
            #expect(models.first { $0["id"] as? String == "hailuo-02" }?["available"] as? Bool == true)
            #expect(models.first { $0["id"] as? String == "fal-hailuo-02" }?["available"] as? Bool == false)

            let accepted = try await client.postJSON(
                "/api/mv/generate_video",
                #"{"prompt": "a lighthouse in a storm", "model": "hailuo-02", "duration": 6, "resolution": "768p"}"#)
            #expect(accepted.body["estimated_cost_usd"] as? Double == 0.27)
            let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "")
            #expect(job["status"] as? String == "succeeded", "\(job)")
            let result = try #require(job["result"] as? [String: Any])
            #expect(result["is_mock"] as? Bool == false)
            #expect(result["provider"] as? String == "replicate")
            #expect(result["provider_job_id"] as? String == "p1")
            #expect((result["cost"] as? [String: Any])?["actual_usd"] as? Double == 0.27)

            #expect(seen.authorization == ["Bearer r8_test"])
            let input =
                try #require(try JSONSerialization.jsonObject(with: Data((seen.creates.first ?? "").utf8)) as? [String: Any])["input"]
                as? [String: Any]
            #expect(input?["prompt"] as? String == "a lighthouse in a storm")
            #expect(input?["duration"] as? Int == 6)

            let asset = try #require(try await server.dependencies.assets.find(result["asset_id"] as? String ?? ""))
            #expect(try Oracle.sha256(server.dependencies.store.path(of: asset)) == Oracle.sha256(Paths.fixture("clip_640x480_25.mp4")))
            let costs = try await client.getJSON("/api/costs").body
            #expect(costs["actual_usd"] as? Double == 0.27)
        }
    }

    @Test func aRejectedKeyFailsTheJobAsAuthenticationWithoutRetrying() async throws {
        try await withServer(.unauthorized) { _, client, seen in
            let accepted = try await client.postJSON("/api/mv/generate_video", #"{"prompt": "a cat", "model": "hailuo-02"}"#)
            let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "")
            #expect(job["status"] as? String == "failed")
            let failure = job["error"] as? [String: Any]
            #expect(failure?["type"] as? String == "authentication")
            #expect((failure?["suggestion"] as? String ?? "").contains("API key"))
            #expect(job["attempts"] as? Int == 1)
            #expect(seen.creates.count == 1)
        }
    }

    @Test func cancellingTheJobCancelsThePrediction() async throws {
        try await withServer(.hang) { _, client, seen in
            let accepted = try await client.postJSON("/api/mv/generate_video", #"{"prompt": "a cat", "model": "hailuo-02"}"#)
            let id = accepted.body["job_id"] as? String ?? ""
            let deadline = ContinuousClock.now + .seconds(60)
            while seen.creates.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(seen.creates.count == 1)
            try await client.execute(uri: "/api/jobs/\(id)", method: .delete) { _ in }
            let job = try await client.waitForJob(id)
            #expect(job["status"] as? String == "canceled")
            #expect(seen.cancels == 1)
        }
    }
}
