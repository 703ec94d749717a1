import Crypto
import Foundation
import Generation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import MergeServer

/// Job-end webhooks against a real receiver on loopback: the body is the job resource,
/// the signature verifies with an HMAC written here from the Standard Webhooks text (not
/// the server's signer), failures are retried and recorded, answers that will not change
/// are not, deliveries survive a restart, rotated secrets sign beside the old ones for a
/// day, and `callback_url` is refused where it may not lead.
@Suite struct WebhookTests {
    /// Retries in fractions of a second; loopback receivers allowed.
    static func server(
        workers: Int = 1, allowLoopback: Bool = true, fetchClient: (any HTTPClient)? = nil,
        _ configure: @escaping (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        try await TestServer.make(workers: workers, fetchClient: fetchClient) {
            if allowLoopback { $0.limits.fetchAllow = ["127.0.0.1"] }
            $0.webhooks.retryBaseSeconds = 0.2
            $0.webhooks.pollSeconds = 0.05
            $0.webhooks.timeoutSeconds = 5
            configure(&$0)
        }
    }

    /// Standard Webhooks verification as a receiver writes it, with swift-crypto's HMAC:
    /// the secret is `whsec_` + base64 key bytes; the signed content is `id.timestamp.body`;
    /// the header holds space-separated `v1,<base64>` signatures, any of which may match.
    static func verifies(_ delivery: WebhookReceiver.Delivery, secret: String) -> Bool {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))),
            let id = delivery.id, let timestamp = delivery.timestamp, let header = delivery.signature
        else { return false }
        let content = Data("\(id).\(timestamp).".utf8) + delivery.body
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        let expected = "v1," + Data(mac).base64EncodedString()
        return header.split(separator: " ").contains { $0 == expected }
    }

    static func randomSecret() -> String {
        "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    @Test func aJobsEndIsPostedAsItsResourceSignedWithTheServersSecret() async throws {
        let receiver = WebhookReceiver()
        let server = try await Self.server()
        let secretFile = server.directory.path + "/webhook-secret"
        try await server.test { client in
            try await receiver.listen { port in
                let job = try await client.startJob(callback: "http://127.0.0.1:\(port)/hook")
                let finished = try await client.waitForJob(job)
                #expect(finished["status"] as? String == "succeeded", "\(finished)")
                let deliveries = try await client.waitForDeliveries(job) { $0.first?["status"] as? String == "delivered" }

                #expect(receiver.received.count == 1)
                let got = try #require(receiver.received.first)
                // No keys: the server's own secret signs, read as an operator would.
                let secret = try String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(Self.verifies(got, secret: secret), "\(got.signature ?? "no signature")")
                var tampered = got
                tampered.body.append(contentsOf: Array(" ".utf8))
                #expect(!Self.verifies(tampered, secret: secret))
                #expect(!Self.verifies(got, secret: Self.randomSecret()))
                #expect(got.contentType == "application/json")
                #expect(got.id?.hasPrefix("msg_") == true && got.id == deliveries.first?["id"] as? String)
                #expect(abs((Double(got.timestamp ?? "") ?? 0) - Date().timeIntervalSince1970) < 60)
                // The body is the job as GET /api/jobs/{id} shows it.
                let body = try #require(try JSONSerialization.jsonObject(with: got.body) as? NSDictionary)
                #expect(body == finished as NSDictionary)

                let delivery = try #require(deliveries.first)
                #expect(delivery["job_status"] as? String == "succeeded" && delivery["url"] as? String == "http://127.0.0.1:\(port)/hook")
                #expect(delivery["next_attempt_at"] is NSNull && delivery["finished_at"] is String)
                let attempts = delivery["attempts"] as? [[String: Any]] ?? []
                #expect(attempts.count == 1)
                #expect(attempts.first?["status_code"] as? Int == 204 && attempts.first?["outcome"] as? String == "delivered")
                #expect(attempts.first?["error"] is NSNull && attempts.first?["duration_ms"] is Int)
            }
        }
        let mode = try FileManager.default.attributesOfItem(atPath: secretFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// A queued job canceled ends too: its delivery says so.
    @Test func aCanceledJobIsAnnounced() async throws {
        let receiver = WebhookReceiver()
        let server = try await Self.server(workers: 0)
        try await server.test { client in
            try await receiver.listen { port in
                let job = try await client.startJob(callback: "http://127.0.0.1:\(port)/hook")
                _ = try await client.execute(uri: "/api/jobs/\(job)", method: .delete) { $0.status }
                let deliveries = try await client.waitForDeliveries(job) { $0.first?["status"] as? String == "delivered" }
                #expect(deliveries.first?["job_status"] as? String == "canceled")
                let body = try JSONSerialization.jsonObject(with: try #require(receiver.received.first).body) as? [String: Any]
                #expect(body?["status"] as? String == "canceled" && body?["id"] as? String == job)
            }
        }
    }

    @Test func aReceiverThatFailsTwiceGetsItOnTheThirdAttempt() async throws {
        let receiver = WebhookReceiver(answering: [500, 503], otherwise: 200)
        let server = try await Self.server()
        let secretFile = server.directory.path + "/webhook-secret"
        try await server.test { client in
            try await receiver.listen { port in
                let job = try await client.startJob(callback: "http://127.0.0.1:\(port)/hook")
                let deliveries = try await client.waitForDeliveries(job) { $0.first?["status"] as? String == "delivered" }
                #expect(deliveries.count == 1)
                let attempts = deliveries.first?["attempts"] as? [[String: Any]] ?? []
                #expect(attempts.compactMap { $0["status_code"] as? Int } == [500, 503, 200])
                #expect(attempts.compactMap { $0["outcome"] as? String } == ["retry", "retry", "delivered"])
                #expect(attempts.compactMap { $0["number"] as? Int } == [1, 2, 3])

                let received = receiver.received
                #expect(received.count == 3)
                // One webhook-id for every attempt (receivers deduplicate by it); each attempt signed afresh.
                #expect(Set(received.map(\.id)).count == 1 && received.first?.id == deliveries.first?["id"] as? String)
                let secret = try String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(received.allSatisfy { Self.verifies($0, secret: secret) })
                #expect(Set(received.map(\.body)).count == 1)
            }
        }
    }

    /// A 4xx other than 408 and 429 will not change: it fails the delivery at once, for
    /// good, and the audit log says so.
    @Test func anAnswerThatWillNotChangeIsNotRetried() async throws {
        let receiver = WebhookReceiver(otherwise: 410)
        let server = try await Self.server()
        try await server.test { client in
            try await receiver.listen { port in
                let job = try await client.startJob(callback: "http://127.0.0.1:\(port)/hook")
                let deliveries = try await client.waitForDeliveries(job) { $0.first?["status"] as? String == "failed" }
                // Five times the first retry's longest wait: a retry would have come.
                try await Task.sleep(for: .seconds(1))
                #expect(receiver.received.count == 1)
                let attempts = deliveries.first?["attempts"] as? [[String: Any]] ?? []
                #expect(attempts.count == 1 && attempts.first?["status_code"] as? Int == 410 && attempts.first?["outcome"] as? String == "failed")
                #expect((attempts.first?["error"] as? String)?.contains("not retried") == true)
                #expect(deliveries.first?["next_attempt_at"] is NSNull)

                let audit = try await client.getJSON("/api/audit").body["entries"] as? [[String: Any]] ?? []
                let gaveUp = audit.first { $0["action"] as? String == "webhook.gave_up" }
                #expect(gaveUp?["subject"] as? String == job && gaveUp?["via"] as? String == "server", "\(audit)")
            }
        }
    }

    /// Retries stop once the window from the first attempt is over: the delivery fails for
    /// good and nothing more is sent.
    @Test func retriesEndWithTheWindow() async throws {
        let receiver = WebhookReceiver(otherwise: 503)
        let server = try await Self.server {
            $0.webhooks.retryWindowSeconds = 2
            $0.webhooks.retryBaseSeconds = 0.1
        }
        try await server.test { client in
            try await receiver.listen { port in
                let job = try await client.startJob(callback: "http://127.0.0.1:\(port)/hook")
                let deliveries = try await client.waitForDeliveries(job) { $0.first?["status"] as? String == "failed" }
                let attempts = deliveries.first?["attempts"] as? [[String: Any]] ?? []
                #expect(!attempts.isEmpty && attempts.allSatisfy { $0["status_code"] as? Int == 503 }, "\(attempts)")
                #expect(attempts.dropLast().allSatisfy { $0["outcome"] as? String == "retry" })
                #expect(attempts.last?["outcome"] as? String == "failed")
                #expect((attempts.last?["error"] as? String)?.contains("retried for 2 s, giving up") == true, "\(attempts)")
                // (When each retry is scheduled is `backoffDoublesWithFullJitterAndStopsAtTheWindow`'s to check.)
                try await Task.sleep(for: .milliseconds(500))
                #expect(receiver.received.count == attempts.count, "nothing is sent once it failed")
            }
        }
    }

    /// The receiver is down while the job ends; the server stops with the delivery pending;
    /// a new server on the same data directory delivers it once the receiver is up.
    @Test func aPendingDeliverySurvivesARestart() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path
        let receiver = WebhookReceiver()
        // A free port, closed again: nothing listens there while the first server runs.
        let port = try await receiver.listen { $0 }
        let first = try await Self.server { $0.dataDirectory = data }
        let job = try await first.test { client in
            let job = try await client.startJob(callback: "http://127.0.0.1:\(port)/hook")
            _ = try await client.waitForJob(job)
            let deliveries = try await client.waitForDeliveries(job) { ($0.first?["attempts"] as? [Any])?.count ?? 0 >= 2 }
            #expect(deliveries.first?["status"] as? String == "pending")
            let attempts = deliveries.first?["attempts"] as? [[String: Any]] ?? []
            #expect(attempts.allSatisfy { $0["status_code"] is NSNull && $0["outcome"] as? String == "retry" }, "\(attempts)")
            return job
        }
        #expect(receiver.received.isEmpty)

        try await receiver.listen(port: port) { _ in
            let second = try await Self.server { $0.dataDirectory = data }
            try await second.test { client in
                let deliveries = try await client.waitForDeliveries(job) { $0.first?["status"] as? String == "delivered" }
                #expect(deliveries.count == 1)
                #expect(receiver.received.count == 1 && receiver.received.first?.id == deliveries.first?["id"] as? String)
                let attempts = deliveries.first?["attempts"] as? [[String: Any]] ?? []
                #expect(attempts.count >= 3 && attempts.last?["status_code"] as? Int == 204)
                let secret = try String(contentsOfFile: data + "/webhook-secret", encoding: .utf8)
                #expect(Self.verifies(try #require(receiver.received.first), secret: secret.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
        }
    }

    /// Each key signs with its own secret, shown once; after a rotation the new and the
    /// previous secret both sign for a day. Only the key itself (or an admin) rotates it,
    /// and another key sees nothing of the deliveries.
    @Test func keysSignWithTheirOwnSecretAndRotationKeepsTheOldOneForADay() async throws {
        let receiver = WebhookReceiver()
        let server = try await Self.server()
        let keys = server.dependencies.apiKeys
        let admin = try await keys.create(name: "admin", scopes: [.admin]).key
        try await server.test { client in
            try await receiver.listen { port in
                let made = try await client.postJSON("/api/keys", #"{"name": "alice", "scopes": ["generate", "read"]}"#, headers: bearer(admin))
                #expect(made.status == .created)
                let alice = try #require(made.body["key"] as? String)
                let aliceID = try #require(made.body["id"] as? String)
                let first = try #require(made.body["webhook_secret"] as? String)
                let bob = try #require(
                    try await client.postJSON("/api/keys", #"{"name": "bob"}"#, headers: bearer(admin)).body["key"] as? String)
                let callback = "http://127.0.0.1:\(port)/hook"

                let before = try await client.startJob(callback: callback, headers: bearer(alice))
                _ = try await client.waitForDeliveries(before, headers: bearer(alice)) { $0.first?["status"] as? String == "delivered" }
                let signedOnce = try #require(receiver.received.first)
                #expect(Self.verifies(signedOnce, secret: first))
                #expect(signedOnce.signature?.split(separator: " ").count == 1)

                // Another key's view of the deliveries: 404, as for the job itself; an admin sees them.
                #expect(
                    try await client.execute(uri: "/api/jobs/\(before)/deliveries", method: .get, headers: bearer(bob)) { $0.status }
                        == .notFound)
                #expect(
                    try await client.execute(uri: "/api/jobs/\(before)/deliveries", method: .get, headers: bearer(admin)) { $0.status } == .ok)

                // Bob cannot rotate alice's secret; alice can.
                let refused = try await client.postJSON("/api/keys/\(aliceID)/webhook-secret", "", headers: bearer(bob))
                #expect(refused.status == .notFound)
                let rotated = try await client.postJSON("/api/keys/\(aliceID)/webhook-secret", "", headers: bearer(alice))
                #expect(rotated.status == .ok, "\(rotated.body)")
                let second = try #require(rotated.body["webhook_secret"] as? String)
                #expect(second != first && second.hasPrefix("whsec_") && rotated.body["id"] as? String == aliceID)
                let until = try #require(rotated.body["previous_valid_until"] as? String)
                let iso = ISO8601DateFormatter()
                iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                let untilDate = try #require(iso.date(from: until))
                #expect(abs(untilDate.timeIntervalSinceNow - 24 * 3600) < 60)

                let after = try await client.startJob(callback: callback, headers: bearer(alice))
                _ = try await client.waitForDeliveries(after, headers: bearer(alice)) { $0.first?["status"] as? String == "delivered" }
                let signedTwice = try #require(receiver.received.last)
                #expect(signedTwice.signature?.split(separator: " ").count == 2)
                #expect(Self.verifies(signedTwice, secret: second), "the new secret verifies")
                #expect(Self.verifies(signedTwice, secret: first), "the previous one still does, within the day")
                // A day later only the new one signs.
                #expect(try keys.webhookSecrets(id: aliceID, now: Date().timeIntervalSince1970 + 25 * 3600) == [second])

                let byAdmin = try await client.postJSON("/api/keys/\(aliceID)/webhook-secret", "", headers: bearer(admin))
                #expect(byAdmin.status == .ok)
                let audit = try await client.execute(uri: "/api/audit", method: .get, headers: bearer(admin)) { try jsonObject($0.body) }
                let rotations = (audit["entries"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "key.webhook_secret_rotated" }
                #expect(rotations.count == 2 && rotations.allSatisfy { $0["subject"] as? String == aliceID })
            }
        }
    }

    /// The connect-time guard: a name that resolves to loopback passes the submission check
    /// (it is not a literal address) and gets nothing: the delivery fails for good without
    /// a byte reaching the receiver.
    @Test func aNameThatResolvesToAnInternalAddressGetsNothing() async throws {
        let receiver = WebhookReceiver()
        try await receiver.listen { port in
            let guarded = CurlHTTPClient(addressPolicy: try AddressPolicy(), resolve: ["hooks.example.com:\(port):127.0.0.1"])
            let server = try await Self.server(allowLoopback: false, fetchClient: guarded)
            try await server.test { client in
                let job = try await client.startJob(callback: "http://hooks.example.com:\(port)/hook")
                let deliveries = try await client.waitForDeliveries(job) { $0.first?["status"] as? String == "failed" }
                let attempts = deliveries.first?["attempts"] as? [[String: Any]] ?? []
                #expect(attempts.count == 1 && (attempts.first?["error"] as? String)?.contains("not public") == true, "\(attempts)")
            }
        }
        #expect(receiver.received.isEmpty)
    }

    @Test func callbackURLsAreCheckedAtSubmission() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            func post(
                _ route: String, _ fields: [String: Any], headers: HTTPFields = [:]
            ) async throws -> (
                status: HTTPResponse.Status, body: [String: Any]
            ) {
                let body = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
                return try await client.postJSON(route, body, headers: headers)
            }
            let refused = [
                "ftp://example.com/hook", "http://user:secret@example.com/hook", "http://127.0.0.1:9/hook", "http://[::1]/hook",
                "http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "http://localhost:8080/hook", "/hook",
                "example.com/hook", "http://exa mple.com/hook", "http://" + String(repeating: "a", count: 2100) + ".com/", "",
                "http://[::ffff:127.0.0.1]/hook", "http://example.com/\u{0}hook", "javascript:alert(1)",
            ]
            for url in refused {
                let answer = try await post("/api/mv/create_scenes", ["idea": "x", "callback_url": url])
                let errors = answer.body["errors"] as? [[String: Any]] ?? []
                #expect(
                    answer.status == .unprocessableContent && errors.first?["field"] as? String == "callback_url", "\(url.prefix(60)): \(answer.body)"
                )
            }
            let number = try await client.postJSON("/api/mv/create_scenes", #"{"idea": "x", "callback_url": 5}"#)
            #expect(number.status == .unprocessableContent && "\(number.body)".contains("must be a string"))

            // Every job POST takes it (and checks it before anything else).
            for route in ["merge_videos", "analyze_audio", "create_scenes", "generate_character_reference", "generate_video", "music_video"] {
                let answer = try await post("/api/mv/\(route)", ["callback_url": "http://10.0.0.1/hook"])
                let message = (answer.body["errors"] as? [[String: Any]])?.first?["message"] as? String ?? ""
                #expect(answer.status == .unprocessableContent && message.contains("not a public address"), "\(route): \(answer.body)")
            }

            let accepted = try await post("/api/mv/create_scenes", ["idea": "x", "callback_url": "https://example.com/hook?token=1"])
            #expect(accepted.status == .accepted, "\(accepted.body)")
            #expect(try await client.postJSON("/api/mv/create_scenes", #"{"idea": "x", "callback_url": null}"#).status == .accepted)

            // The callback is part of what an Idempotency-Key's replay must match.
            let key: HTTPFields = [.idempotencyKey: "hook-1"]
            let once = try await post("/api/mv/create_scenes", ["idea": "y", "callback_url": "https://example.com/a"], headers: key)
            let again = try await post("/api/mv/create_scenes", ["idea": "y", "callback_url": "https://example.com/a"], headers: key)
            let other = try await post("/api/mv/create_scenes", ["idea": "y", "callback_url": "https://example.com/b"], headers: key)
            #expect(once.status == .accepted && again.body["job_id"] as? String == once.body["job_id"] as? String)
            #expect(other.status == .conflict)
        }
        // The loopback receiver of the other tests needs the operator's allow-list.
        let allowed = try await TestServer.make(workers: 0) { $0.limits.fetchAllow = ["127.0.0.0/8"] }
        try await allowed.test { client in
            let answer = try await client.postJSON("/api/mv/create_scenes", #"{"idea": "x", "callback_url": "http://127.0.0.1:9/hook"}"#)
            #expect(answer.status == .accepted)
        }
    }

    /// `callback_url` leaves the body as bytes: every other member keeps its exact text.
    @Test func theCallbackIsTakenOutOfTheBodyByteForByte() throws {
        let body = Data(#"{"a": 1e300, "callback_url": "https://x.example/h", "b": {"callback_url": 2, "c": "}\"{"}, "d": [1.0, -0]}"#.utf8)
        let split = try JobRequestBody(body)
        #expect(split.callbackURL == "https://x.example/h")
        #expect(String(decoding: split.work, as: UTF8.self) == #"{"a": 1e300,"b": {"callback_url": 2, "c": "}\"{"},"d": [1.0, -0]}"#)

        // Escaped spellings are the same key; the last of duplicates wins, as for a decoder.
        let escaped = try JobRequestBody(Data(#"{"callback\u005furl": "https://a.example/", "callback_url": "https://b.example/", "x": true}"#.utf8))
        #expect(escaped.callbackURL == "https://b.example/" && String(decoding: escaped.work, as: UTF8.self) == #"{"x": true}"#)
        let only = try JobRequestBody(Data(#" { "callback_url" : null } "#.utf8))
        #expect(only.callbackURL == nil && String(decoding: only.work, as: UTF8.self) == "{}")

        // Without the field, or not a JSON object, the body is left as it is.
        for text in [#"{"a": 1}"#, "[1, 2]", #"{"callback_url": "x""#, #"{"a": 1} {"#, "nonsense", ""] {
            let left = try JobRequestBody(Data(text.utf8))
            #expect(left.work == Data(text.utf8) && left.callbackURL == nil, "\(text)")
        }
        #expect(throws: ValidationFailure.self) { try JobRequestBody(Data(#"{"callback_url": ["https://x.example/"]}"#.utf8)) }
    }

    /// A job that was running alone when the process died ends as `crashed` at start-up,
    /// and that end is announced too.
    @Test func aCrashedJobsEndIsQueued() async throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.path + "/db.sqlite")
        let jobs = JobRepository(database: database)
        let job = try await jobs.enqueue(
            kind: "create_scenes", request: "{}", idempotencyKey: nil, maxAttempts: 3, callbackURL: "https://example.com/hook"
        ).job
        _ = try #require(try await jobs.claim(owner: "dead", leaseSeconds: 60))
        #expect(try await jobs.recoverInterrupted(retention: 60).quarantined == [job.id])
        let deliveries = try WebhookRepository(database: database).deliveries(ofJob: job.id)
        #expect(deliveries.count == 1 && deliveries.first?.delivery.jobStatus == .failed && deliveries.first?.delivery.status == .pending)
        #expect(deliveries.first?.delivery.body.contains("\"crashed\"") == true)
    }

    @Test func backoffDoublesWithFullJitterAndStopsAtTheWindow() {
        var settings = WebhookSettings()
        settings.retryBaseSeconds = 10
        settings.maxRetryDelaySeconds = 3600
        settings.retryWindowSeconds = 24 * 3600
        for attempt in 1...30 {
            let ceiling = min(3600, 10 * pow(2, Double(attempt - 1)))
            for _ in 0..<20 {
                let next = settings.nextAttempt(after: attempt, now: 1000, firstAttemptAt: 1000) ?? -1
                #expect(next >= 1000 && next <= 1000 + ceiling)
            }
        }
        // The last retry is at the window's end; after it, none.
        #expect((settings.nextAttempt(after: 30, now: 1000 + 24 * 3600 - 1, firstAttemptAt: 1000) ?? 0) <= 1000 + 24 * 3600)
        #expect(settings.nextAttempt(after: 31, now: 1000 + 24 * 3600, firstAttemptAt: 1000) == nil)
    }
}

extension TestClientProtocol {
    /// A create_scenes job (mock provider: it ends in a moment) announcing its end to `callback`.
    func startJob(callback: String, headers: HTTPFields = [:]) async throws -> String {
        let accepted = try await postJSON(
            "/api/mv/create_scenes", #"{"idea": "a song about webhooks", "callback_url": "\#(callback)"}"#, headers: headers)
        guard accepted.status == .accepted, let job = accepted.body["job_id"] as? String else {
            throw TestFailure("the job was not accepted: \(accepted.status) \(accepted.body)")
        }
        return job
    }

    /// Polls `GET /api/jobs/{id}/deliveries` until `condition` holds.
    func waitForDeliveries(
        _ job: String, headers: HTTPFields = [:], timeout: Duration = .seconds(30), until condition: ([[String: Any]]) -> Bool
    ) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + timeout
        var last: [[String: Any]] = []
        while ContinuousClock.now < deadline {
            last = try await execute(uri: "/api/jobs/\(job)/deliveries", method: .get, headers: headers) { response in
                guard response.status == .ok else { throw TestFailure("deliveries answered \(response.status): \(String(buffer: response.body))") }
                return try jsonObject(response.body)["deliveries"] as? [[String: Any]] ?? []
            }
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("the deliveries of \(job) did not reach the expected state: \(last)")
    }
}

/// A webhook receiver on 127.0.0.1: records every POST to `/hook` and answers the scripted
/// statuses in turn, then `otherwise`.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable, Hashable {
        var id: String?
        var timestamp: String?
        var signature: String?
        var contentType: String?
        var body: Data
    }

    private struct State {
        var received: [Delivery] = []
        var script: [Int]
        var otherwise: Int
    }

    private let state: Mutex<State>

    init(answering script: [Int] = [], otherwise: Int = 204) {
        state = Mutex(State(script: script, otherwise: otherwise))
    }

    var received: [Delivery] { state.withLock { $0.received } }

    private func answer(_ delivery: Delivery) -> Int {
        state.withLock { state in
            state.received.append(delivery)
            return state.script.isEmpty ? state.otherwise : state.script.removeFirst()
        }
    }

    /// Runs `body` while the receiver listens on `port` (0: a free one), given the port.
    func listen<T: Sendable>(port: Int = 0, _ body: @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let status = self.answer(
                Delivery(
                    id: request.headers[HTTPField.Name("webhook-id")!], timestamp: request.headers[HTTPField.Name("webhook-timestamp")!],
                    signature: request.headers[HTTPField.Name("webhook-signature")!], contentType: request.headers[.contentType],
                    body: Data(bytes.readableBytesView)))
            return Response(status: .init(code: status))
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .warning
        let (ports, bound) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                bound.yield(channel.localAddress?.port ?? 0)
                bound.finish()
            }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { bound.finish() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let listening = await iterator.next() else {
                try await tasks.waitForAll()
                throw TestFailure("the receiver did not start on port \(port)")
            }
            do {
                let value = try await body(listening)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
