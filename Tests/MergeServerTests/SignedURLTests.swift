import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// Signed media links: what a `<video>` or an `EventSource` opens without the key. Links
/// made by the server open the video (ranges too), the asset's bytes and the event
/// stream; an altered, expired, revoked or rotated-out link is a 403; a link opens only
/// what its key may see. Signatures are also made here with swift-crypto's HMAC, written
/// from the README's description, so the scheme itself is checked, not only the code.
@Suite struct SignedURLTests {
    static let secret = "test-url-signing-secret-0123456789"

    /// A signature made as the README describes it: unpadded base64url HMAC-SHA256 of
    /// `GET\nPATH\nEXP\nKID`.
    static func independentSignature(path: String, expiry: Int64, keyID: String, secret: String = secret) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("GET\n\(path)\n\(expiry)\n\(keyID)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(code).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The query of a signed link as a dictionary.
    static func parameters(_ link: String) -> [String: String] {
        guard let query = link.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
        return Dictionary(
            query.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }, uniquingKeysWith: { first, _ in first })
    }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [] }

    static func path(_ link: String) -> String { String(link.split(separator: "?", maxSplits: 1)[0]) }

    /// A one-clip merge by `key`, waited for: the finished job's JSON.
    static func render(_ client: some TestClientProtocol, key: String) async throws -> [String: Any] {
        let clip = try #require(try await client.upload("clip_640x480_25.mp4", key: key)["id"] as? String)
        // The live test client gives up on an answer after 20 s: wait less, then poll.
        let answer = try await client.postJSON("/api/mv/merge_videos?wait=10", timelineJSON(clips: [clip]), headers: bearer(key))
        guard answer.status == .accepted, let id = answer.body["job_id"] as? String else {
            #expect(answer.status == .ok, "the render ended within the wait: \(answer.body)")
            return answer.body
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let job = try await client.execute(uri: "/api/jobs/\(id)", method: .get, headers: bearer(key)) { try jsonObject($0.body) }
            if ["succeeded", "failed", "canceled"].contains(job["status"] as? String ?? "") { return job }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("job \(id) did not end within 120 s")
    }

    /// The `video_url` of the newest job `key` lists.
    static func latestVideoURL(_ client: some TestClientProtocol, key: String) async throws -> String {
        let listed = try await client.execute(uri: "/api/jobs", method: .get, headers: bearer(key)) {
            ((try jsonObject($0.body)["jobs"] as? [[String: Any]])?.first?["result"] as? [String: Any])?["video_url"] as? String
        }
        return try #require(listed)
    }

    /// GET `uri` without a key: status, headers and body.
    static func open(
        _ client: some TestClientProtocol, _ uri: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:]
    )
        async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer)
    {
        try await client.execute(uri: uri, method: method, headers: headers) { ($0.status, $0.headers, $0.body) }
    }

    /// The 403 problem's `type`, or a description of what came instead.
    static func refusal(_ client: some TestClientProtocol, _ uri: String) async throws -> String {
        let answer = try await open(client, uri)
        guard answer.status == .forbidden, answer.headers[.contentType] == "application/problem+json" else {
            return "\(answer.status) \(String(buffer: answer.body).prefix(200))"
        }
        return try jsonObject(answer.body)["type"] as? String ?? "no type"
    }

    /// The hand-written base64url against Foundation's base64 with the alphabet swapped and the padding cut.
    @Test func theSignatureEncodingIsUnpaddedBase64URL() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 3, 4, 31, 32, 33] {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(MediaURLSigner.base64URL(bytes) == expected, "\(bytes)")
        }
    }

    @Test func signedLinksOpenTheVideoItsRangesTheEventsAndTheAssetWithoutTheKey() async throws {
        let server = try await TestServer.make(workers: 1) { $0.urlSigningSecret = Self.secret }
        let made = try await server.dependencies.apiKeys.create(name: "alice", scopes: [.render, .read])
        let alice = made.key
        // Over real HTTP: the links work from a plain HTTP client.
        let eventsURL = try await server.test(.live) { client in
            let asset = try await client.upload("clip_640x480_25.mp4", key: alice)
            let contentURL = try #require(asset["content_url"] as? String)
            let job = try await Self.render(client, key: alice)
            let result = try #require(job["result"] as? [String: Any])
            let videoURL = try #require(result["video_url"] as? String)
            let eventsURL = try #require(job["events_url"] as? String)

            let now = Date().timeIntervalSince1970
            for link in [contentURL, videoURL, eventsURL] {
                let parameters = Self.parameters(link)
                #expect(parameters["kid"] == made.record.id, "\(link)")
                let expiry = try #require(parameters["exp"].flatMap(Double.init), "\(link)")
                #expect(expiry > now + 3500 && expiry <= now + 3601, "an hour by default: \(link)")
                #expect(parameters["sig"]?.count == 43, "unpadded base64url of 32 bytes: \(link)")
                let expected = Self.independentSignature(path: Self.path(link), expiry: Int64(expiry), keyID: made.record.id)
                #expect(parameters["sig"] == expected, "the README's scheme: \(link)")
            }
            // The stored result keeps plain paths; only answers are signed.
            let jobID = try #require(job["id"] as? String)
            let stored = try #require(try await server.dependencies.jobs.find(jobID)?.result)
            #expect(!stored.contains("sig=") && stored.contains("\"video_url\":\"/api/mv/get_video/"))

            // The video, whole, by range and by HEAD: the same bytes as with the key.
            let withKey = try await Self.open(client, Self.path(videoURL), headers: bearer(alice))
            #expect(withKey.status == .ok, "unsigned access with the key still works")
            let whole = try await Self.open(client, videoURL)
            #expect(whole.status == .ok && whole.body == withKey.body && whole.body.readableBytes > 1000)
            let part = try await Self.open(client, videoURL, headers: [.range: "bytes=100-299"])
            #expect(part.status == .partialContent)
            #expect(Self.bytes(part.body) == Array(Self.bytes(withKey.body)[100..<300]))
            let head = try await Self.open(client, videoURL, method: .head)
            #expect(head.status == .ok && head.headers[.contentLength] == String(withKey.body.readableBytes))

            // The asset's bytes: the uploaded file.
            let content = try await Self.open(client, contentURL)
            let fixture = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("clip_640x480_25.mp4")))
            #expect(content.status == .ok && Data(content.body.readableBytesView) == fixture)

            return eventsURL
        }
        // (In process: the server closes the connection after a stream, which the live test client reports as an error.)
        try await server.test { client in
            // The event stream, as an EventSource opens it: the job is over, so status and done at once,
            // and the links in them are signed for the same key.
            let events = try await Self.open(client, eventsURL, headers: [.accept: "text/event-stream"])
            #expect(events.status == .ok && events.headers[.contentType] == "text/event-stream")
            let text = String(buffer: events.body)
            #expect(text.contains("event: status") && text.contains("event: done"))
            let done = try #require(text.components(separatedBy: "event: done\ndata: ").last?.split(separator: "\n").first)
            let doneJob = try #require(try JSONSerialization.jsonObject(with: Data(done.utf8)) as? [String: Any])
            let doneVideo = try #require((doneJob["result"] as? [String: Any])?["video_url"] as? String)
            #expect(Self.parameters(doneVideo)["kid"] == made.record.id)
            let status = try await Self.open(client, doneVideo).status
            #expect(status == .ok)
        }
    }

    @Test func alteredLinksAre403() async throws {
        let server = try await TestServer.make(workers: 1) { $0.urlSigningSecret = Self.secret }
        let alice = try await server.dependencies.apiKeys.create(name: "alice", scopes: [.render, .read])
        let bob = try await server.dependencies.apiKeys.create(name: "bob", scopes: [.render, .read])
        try await server.test { client in
            let job = try await Self.render(client, key: alice.key)
            let videoURL = try #require((job["result"] as? [String: Any])?["video_url"] as? String)
            let jobID = try #require(job["id"] as? String)
            let path = Self.path(videoURL)
            let p = Self.parameters(videoURL)
            let (exp, kid, sig) = (p["exp"]!, p["kid"]!, p["sig"]!)
            #expect(try await Self.open(client, videoURL).status == .ok)

            let flipped = String(sig.dropLast()) + (sig.hasSuffix("A") ? "B" : "A")
            let cases: [(String, String)] = [
                ("\(path)?exp=\(exp)&kid=\(kid)&sig=\(flipped)", "bad_signature"),
                ("\(path)?exp=\(Int64(exp)! + 3600)&kid=\(kid)&sig=\(sig)", "bad_signature"),
                ("\(path)?exp=\(exp)&kid=\(bob.record.id)&sig=\(sig)", "bad_signature"),
                ("/api/mv/get_video/vid_000000000000000000000000?exp=\(exp)&kid=\(kid)&sig=\(sig)", "bad_signature"),
                ("\(path)/info?exp=\(exp)&kid=\(kid)&sig=\(sig)", "bad_signature"),
                ("/api/jobs/\(jobID)?exp=\(exp)&kid=\(kid)&sig=\(sig)", "bad_signature"),
                ("\(path)?exp=\(exp)&kid=\(kid)", "bad_signature"),
                ("\(path)?sig=\(sig)", "bad_signature"),
                ("\(path)?exp=soon&kid=\(kid)&sig=\(sig)", "bad_signature"),
                ("\(path)?exp=-1&kid=\(kid)&sig=\(sig)", "bad_signature"),
                ("\(path)?exp=\(exp)&kid=../keys&sig=\(sig)", "bad_signature"),
                ("\(path)?exp=\(exp)&kid=\(kid)&sig=\(sig)&sig=\(sig)", "bad_signature"),
                ("\(path)?exp=\(exp)&kid=\(kid)&sig=", "bad_signature"),
            ]
            for (uri, type) in cases {
                #expect(try await Self.refusal(client, uri) == type, "\(uri)")
            }
            let problem = try await Self.open(client, "\(path)?exp=\(exp)&kid=\(kid)&sig=\(flipped)")
            let body = try jsonObject(problem.body)
            #expect((body["detail"] as? String)?.contains("does not match") == true)
            #expect((body["suggestion"] as? String)?.contains("fresh signed URL") == true)
            // With the key, signature parameters are not looked at.
            let keyed = try await Self.open(client, "\(path)?exp=\(exp)&kid=\(kid)&sig=\(flipped)", headers: bearer(alice.key))
            #expect(keyed.status == .ok)
        }
    }

    @Test func expiredLinksAre403() async throws {
        let server = try await TestServer.make(workers: 1) { $0.urlSigningSecret = Self.secret }
        let alice = try await server.dependencies.apiKeys.create(name: "alice", scopes: [.render, .read])
        try await server.test { client in
            let job = try await Self.render(client, key: alice.key)
            let path = Self.path(try #require((job["result"] as? [String: Any])?["video_url"] as? String))
            let now = Int64(Date().timeIntervalSince1970)
            func link(_ expiry: Int64) -> String {
                "\(path)?exp=\(expiry)&kid=\(alice.record.id)&sig=\(Self.independentSignature(path: path, expiry: expiry, keyID: alice.record.id))"
            }
            #expect(try await Self.open(client, link(now + 60)).status == .ok, "a link signed here by the README's scheme opens")
            #expect(try await Self.refusal(client, link(now - 5)) == "signature_expired")
            #expect(try await Self.refusal(client, link(0)) == "signature_expired")
            let problem = try jsonObject(try await Self.open(client, link(now - 5)).body)
            #expect((problem["detail"] as? String)?.contains("expired at") == true)
        }
        // The signer's own clock: a link made now is refused once its lifetime has passed.
        let signer = MediaURLSigner(secrets: URLSigningSecrets(current: Data(Self.secret.utf8)), lifetimeSeconds: 60)
        let path = "/api/jobs/job_0123456789abcdef01234567/events"
        let link = signer.sign(path, keyID: "key_0123456789abcdef01234567", now: 1_000_000)
        let p = Self.parameters(link)
        #expect(p["exp"] == "1000060")
        #expect(throws: Never.self) { try signer.verify(path: path, expiry: p["exp"], keyID: p["kid"], signature: p["sig"], now: 1_000_060) }
        #expect(throws: MediaURLSigner.Refusal.self) {
            try signer.verify(path: path, expiry: p["exp"], keyID: p["kid"], signature: p["sig"], now: 1_000_061)
        }
    }

    /// A link signed with the old secret opens while that secret is the previous one, and
    /// no longer once it is dropped; by the environment and by `url-secret rotate`'s files.
    @Test func rotationKeepsUnexpiredLinksUntilTheOldSecretIsDropped() async throws {
        let first = try await TestServer.make(workers: 1) { $0.urlSigningSecret = "old-secret-0123456789" }
        let alice = try await first.dependencies.apiKeys.create(name: "alice", scopes: [.render, .read])
        let videoURL = try await first.test { client in
            try #require((try await Self.render(client, key: alice.key)["result"] as? [String: Any])?["video_url"] as? String)
        }
        let rotated = try await first.reopened {
            $0.urlSigningSecret = "new-secret-0123456789"
            $0.urlSigningPreviousSecret = "old-secret-0123456789"
        }
        try await rotated.test { client in
            #expect(try await Self.open(client, videoURL).status == .ok, "the previous secret still verifies")
            let fresh = try await Self.latestVideoURL(client, key: alice.key)
            let p = Self.parameters(fresh)
            let expected = Self.independentSignature(
                path: Self.path(fresh), expiry: Int64(p["exp"]!)!, keyID: alice.record.id, secret: "new-secret-0123456789")
            #expect(p["sig"] == expected, "new links are signed with the new secret")
        }
        let dropped = try await first.reopened { $0.urlSigningSecret = "new-secret-0123456789" }
        try await dropped.test { client in
            let refusal = try await Self.refusal(client, videoURL)
            #expect(refusal == "bad_signature")
        }

        // The data directory's files, as `merge-server url-secret rotate` turns them.
        let fileLink = try await first.reopened { _ in }.test { client in try await Self.latestVideoURL(client, key: alice.key) }
        let before = try URLSigningSecrets.load(dataDirectory: first.directory.path, configured: nil, configuredPrevious: nil)
        let after = try URLSigningSecrets.rotate(dataDirectory: first.directory.path)
        #expect(after.previous == before.current && after.current != before.current)
        for name in ["url-signing-secret", "url-signing-secret.previous"] {
            let mode = try FileManager.default.attributesOfItem(atPath: first.directory.file(name))[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name) is the owner's alone")
        }
        try await first.reopened { _ in }.test { client in
            let status = try await Self.open(client, fileLink).status
            #expect(status == .ok, "one rotation keeps the link")
        }
        try URLSigningSecrets.rotate(dataDirectory: first.directory.path)
        try await first.reopened { _ in }.test { client in
            let refusal = try await Self.refusal(client, fileLink)
            #expect(refusal == "bad_signature", "a second rotation drops it")
        }
    }

    @Test func aRevokedKeysLinksAre403() async throws {
        let server = try await TestServer.make(workers: 1)
        let alice = try await server.dependencies.apiKeys.create(name: "alice", scopes: [.render, .read])
        try await server.test { client in
            let job = try await Self.render(client, key: alice.key)
            let videoURL = try #require((job["result"] as? [String: Any])?["video_url"] as? String)
            #expect(try await Self.open(client, videoURL).status == .ok)
            _ = try await server.dependencies.apiKeys.revoke(id: alice.record.id)
            #expect(try await Self.refusal(client, videoURL) == "signature_key_revoked")
        }
    }

    /// A link acts as its key: editing its path to another key's job fails the signature,
    /// and even a correctly signed link for another key's job is a 404, as for that key.
    @Test func anotherKeysResourceCannotBeReachedThroughALink() async throws {
        let server = try await TestServer.make(workers: 0) { $0.urlSigningSecret = Self.secret }
        let alice = try await server.dependencies.apiKeys.create(name: "alice", scopes: [.render, .read])
        let bob = try await server.dependencies.apiKeys.create(name: "bob", scopes: [.render, .read])
        try await server.test { client in
            func submit(_ key: String) async throws -> (id: String, events: String) {
                let clip = try #require(try await client.upload("clip_640x480_25.mp4", key: key)["id"] as? String)
                let accepted = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: [clip]), headers: bearer(key))
                #expect(accepted.status == .accepted)
                return (try #require(accepted.body["job_id"] as? String), try #require(accepted.body["events_url"] as? String))
            }
            let alices = try await submit(alice.key)
            let bobs = try await submit(bob.key)
            #expect(Self.parameters(alices.events)["kid"] == alice.record.id, "the 202's events_url is signed")
            let edited = alices.events.replacingOccurrences(of: alices.id, with: bobs.id)
            #expect(try await Self.refusal(client, edited) == "bad_signature")

            let bobsPath = "/api/jobs/\(bobs.id)/events"
            let expiry = Int64(Date().timeIntervalSince1970) + 60
            let signature = Self.independentSignature(path: bobsPath, expiry: expiry, keyID: alice.record.id)
            let forged = "\(bobsPath)?exp=\(expiry)&kid=\(alice.record.id)&sig=\(signature)"
            #expect(try await Self.open(client, forged).status == .notFound, "a link sees what its key sees")
        }
    }

    /// The hub relays one event to every stream of a job; each stream signs the job in
    /// `status` and `done` for its own key, and leaves `progress` alone.
    @Test func relayedEventsAreSignedForTheStreamsKey() throws {
        let signer = MediaURLSigner(secrets: URLSigningSecrets(current: Data(Self.secret.utf8)), lifetimeSeconds: 60)
        let job = "job_0123456789abcdef01234567"
        let video = "vid_0123456789abcdef01234567"
        let data = """
            {"attempts":1,"created_at":"2025-01-01T00:00:00.000Z","error":null,"eta_seconds":null,\
            "events_url":"/api/jobs/\(job)/events","expires_at":null,"finished_at":null,"id":"\(job)","kind":"merge_videos",\
            "progress":1,"result":{"video_id":"\(video)","video_url":"/api/mv/get_video/\(video)"},"stage":null,\
            "started_at":null,"status":"succeeded","status_url":"/api/jobs/\(job)"}
            """
        for keyID in ["key_0123456789abcdef01234567", "key_76543210fedcba9876543210"] {
            let links = SignedLinks(signer: signer, keyID: keyID)
            let done = JobController.signed(JobEvent(id: 7, name: "done", data: data), links)
            #expect(done.id == 7 && done.name == "done")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(done.data.utf8)) as? [String: Any])
            let videoURL = try #require((object["result"] as? [String: Any])?["video_url"] as? String)
            #expect(Self.path(videoURL) == "/api/mv/get_video/\(video)" && Self.parameters(videoURL)["kid"] == keyID)
            #expect(Self.parameters(try #require(object["events_url"] as? String))["kid"] == keyID)
            #expect(object["status_url"] as? String == "/api/jobs/\(job)", "only media links are signed")
        }
        let progress = JobEvent(id: 8, name: "progress", data: #"{"eta_seconds":null,"progress":0.5,"stage":"rendering"}"#)
        let links = SignedLinks(signer: signer, keyID: "key_0123456789abcdef01234567")
        #expect(JobController.signed(progress, links) == progress)
        #expect(JobController.signed(JobEvent(id: 9, name: "done", data: data), nil).data == data)
    }

    /// Links are signed only where they help: not by a server without keys (its links open
    /// anyway), not for a key that may not read (the link would not open).
    @Test func linksStayPlainWithoutKeysOrWithoutTheReadScope() async throws {
        let open = try await TestServer.make(workers: 0)
        try await open.test { client in
            let asset = try await client.upload("clip_640x480_25.mp4")
            #expect(asset["content_url"] as? String == "/api/assets/\(asset["id"] as? String ?? "")/content")
        }
        let server = try await TestServer.make(workers: 0)
        let renderer = try await server.dependencies.apiKeys.create(name: "ci", scopes: [.render])
        let admin = try await server.dependencies.apiKeys.create(name: "ops", scopes: [.admin])
        try await server.test { client in
            let clip = try #require(try await client.upload("clip_640x480_25.mp4", key: renderer.key)["content_url"] as? String)
            #expect(!clip.contains("?"))
            let adminView = try #require(try await client.upload("clip_640x480_25.mp4", key: admin.key)["content_url"] as? String)
            #expect(Self.parameters(adminView)["kid"] == admin.record.id)
        }
    }
}

extension TestServer {
    /// A server over the same data directory (and database), configured anew.
    func reopened(_ configure: (inout ServerConfiguration) -> Void) async throws -> TestServer {
        var configuration = dependencies.configuration
        configuration.urlSigningSecret = nil
        configuration.urlSigningPreviousSecret = nil
        configure(&configuration)
        return TestServer(directory: directory, dependencies: try await ServerDependencies.open(configuration, logger: Self.logger))
    }
}
