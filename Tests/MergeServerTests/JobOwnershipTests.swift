import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MergeServer
import NIOCore
import TestSupport
import Testing

/// Jobs belong to the key that made them: another key gets 404 on every job route and
/// an empty listing; an admin key sees everything; idempotency keys are per key.
@Suite struct JobOwnershipTests {
    @Test func anotherKeysJobIsNotFoundAnywhere() async throws {
        // No workers: the job stays queued, so a cancel would change it if it were let through.
        let server = try await TestServer.make(workers: 0)
        let keys = server.dependencies.apiKeys
        let alice = try await keys.create(name: "alice", scopes: [.render, .read]).key
        let bob = try await keys.create(name: "bob", scopes: [.render, .read]).key
        let admin = try await keys.create(name: "admin", scopes: [.admin]).key
        try await server.test { client in
            var clips: [String] = []
            for fixture in ["clip_640x480_25.mp4", "clip_1280x720_30.mp4"] {
                clips.append(try await client.uploadID(fixture, key: alice))
            }
            let accepted = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: clips), headers: bearer(alice))
            #expect(accepted.status == .accepted)
            let job = try #require(accepted.body["job_id"] as? String)

            func status(_ method: HTTPRequest.Method, _ uri: String, _ key: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: uri, method: method, headers: bearer(key)) { $0.status }
            }
            #expect(try await status(.get, "/api/jobs/\(job)", alice) == .ok)
            #expect(try await status(.get, "/api/jobs/\(job)", admin) == .ok)
            #expect(try await status(.get, "/api/jobs/\(job)", bob) == .notFound)
            #expect(try await status(.get, "/api/jobs/\(job)/events", bob) == .notFound)
            #expect(try await status(.post, "/api/jobs/\(job)/retry", bob) == .notFound)
            #expect(try await status(.delete, "/api/jobs/\(job)", bob) == .notFound)
            let after = try await client.execute(uri: "/api/jobs/\(job)", method: .get, headers: bearer(alice)) {
                try jsonObject($0.body)["status"] as? String
            }
            #expect(after == "queued", "bob's cancel must not reach alice's job")

            func listed(_ key: String) async throws -> [String] {
                try await client.execute(uri: "/api/jobs", method: .get, headers: bearer(key)) { response in
                    (try jsonObject(response.body)["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                }
            }
            #expect(try await listed(alice) == [job])
            #expect(try await listed(bob) == [])
            #expect(try await listed(admin) == [job])

            // The same Idempotency-Key from two keys makes two jobs: bob's never replays alice's.
            var aliceHeaders = bearer(alice)
            aliceHeaders[.idempotencyKey] = "same-key"
            var bobHeaders = bearer(bob)
            bobHeaders[.idempotencyKey] = "same-key"
            // Bob names his own upload of the same bytes (alice's assets are not his to use).
            let bobsClip = try await client.uploadID("clip_640x480_25.mp4", key: bob)
            let first = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: clips), headers: aliceHeaders)
            let second = try await client.postJSON(
                "/api/mv/merge_videos", timelineJSON(clips: [bobsClip]), headers: bobHeaders)
            let replay = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: clips), headers: aliceHeaders)
            #expect(first.status == .accepted && second.status == .accepted)
            #expect(first.body["job_id"] as? String != second.body["job_id"] as? String)
            #expect(replay.body["job_id"] as? String == first.body["job_id"] as? String)
        }
    }

    @Test func anotherKeysVideoIsNotFound() async throws {
        let server = try await TestServer.make(workers: 1)
        let keys = server.dependencies.apiKeys
        let alice = try await keys.create(name: "alice", scopes: [.render, .read]).key
        let bob = try await keys.create(name: "bob", scopes: [.render, .read]).key
        try await server.test { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4", key: alice)
            let accepted = try await client.postJSON("/api/mv/merge_videos?wait=100", timelineJSON(clips: [clip]), headers: bearer(alice))
            #expect(accepted.status == .ok, "the render should end within the wait")
            let result = try #require(accepted.body["result"] as? [String: Any])
            let video = try #require(result["video_id"] as? String)
            for uri in ["/api/mv/get_video/\(video)", "/api/mv/get_video/\(video)/info"] {
                try await client.execute(uri: uri, method: .get, headers: bearer(alice)) { #expect($0.status == .ok, "\(uri)") }
                try await client.execute(uri: uri, method: .get, headers: bearer(bob)) { #expect($0.status == .notFound, "\(uri)") }
            }
        }
    }

    /// `/api/costs` sums only the caller's jobs (the admin's: everyone's).
    @Test func costsAreEachKeysOwn() async throws {
        let server = try await TestServer.make(workers: 0)
        let keys = server.dependencies.apiKeys
        let alice = try await keys.create(name: "alice", scopes: [.generate, .read]).key
        let bob = try await keys.create(name: "bob", scopes: [.generate, .read]).key
        let admin = try await keys.create(name: "admin", scopes: [.admin]).key
        try await server.test { client in
            let accepted = try await client.postJSON(
                "/api/mv/create_scenes", #"{"idea": "a robot learns to dance", "model": "mock-scenes"}"#, headers: bearer(alice))
            #expect(accepted.status == .accepted, "\(accepted.body)")
            func jobsCounted(_ key: String) async throws -> Int {
                try await client.execute(uri: "/api/costs", method: .get, headers: bearer(key)) { response in
                    (try jsonObject(response.body)["by_day_and_model"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["jobs"] as? Int ?? 0) }
                }
            }
            #expect(try await jobsCounted(alice) == 1)
            #expect(try await jobsCounted(bob) == 0)
            #expect(try await jobsCounted(admin) == 1)
        }
    }

    /// A key revoked while its event stream is open: the stream ends at the next
    /// heartbeat (0.5 s here), although the job goes on; later calls are 401.
    @Test func revokingAKeyClosesItsEventStreams() async throws {
        let server = try await TestServer.make(workers: 0)
        let keys = server.dependencies.apiKeys
        let made = try await keys.create(name: "alice", scopes: [.render, .read])
        let alice = made.key
        try await server.test { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4", key: alice)
            let accepted = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: [clip]), headers: bearer(alice))
            let job = try #require(accepted.body["job_id"] as? String)
            let ended = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    _ = try await client.execute(uri: "/api/jobs/\(job)/events", method: .get, headers: bearer(alice)) { $0.status }
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(1))
                    _ = try await keys.revoke(id: made.record.id)
                    try await Task.sleep(for: .seconds(15))
                    return false
                }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
            #expect(ended, "the event stream of a revoked key must end (the queued job never does)")
            try await client.execute(uri: "/api/jobs/\(job)", method: .get, headers: bearer(alice)) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}
