import Foundation
import HTTPTypes
import HummingbirdTesting
import MergeServer
import NIOCore
import TestSupport
import Testing

/// merge_videos / analyze_audio requests, idempotency and the job list, with no worker
/// running (jobs stay queued), so every answer is about the request alone.
@Suite struct JobRequestTests {
    @Test func badTimelinesAreRefusedBeforeAJobExists() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4")
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            func expectProblem(
                _ body: String, _ status: HTTPResponse.Status, fields: [String] = [], type: String? = nil,
                sourceLocation: SourceLocation = #_sourceLocation
            ) async throws {
                let (answer, problem) = try await client.postJSON("/api/mv/merge_videos", body)
                #expect(answer == status, "\(body) → \(problem)", sourceLocation: sourceLocation)
                let reported = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                for field in fields { #expect(reported.contains(field), "\(field) not in \(reported)", sourceLocation: sourceLocation) }
                if let type { #expect(problem["type"] as? String == type, sourceLocation: sourceLocation) }
            }
            try await expectProblem("{\"clips\": [", .badRequest, type: "malformed_json")
            try await expectProblem("[1, 2]", .badRequest, type: "malformed_json")
            try await expectProblem("{\"clips\": 3}", .unprocessableContent, fields: ["clips"])
            try await expectProblem("{\"clips\": [{\"source\": \"\(clip)\", \"out\": \"two\"}]}", .unprocessableContent, fields: ["clips[0].out"])
            try await expectProblem("{\"clips\": [{\"source\": \"\(clip)\", \"ouy\": 2}]}", .unprocessableContent, fields: ["clips[0].ouy"])
            try await expectProblem(
                timelineJSON(clips: [clip], extra: "\"transtion\": {\"type\": \"fade\"}"), .unprocessableContent, fields: ["transtion"])
            try await expectProblem(
                timelineJSON(clips: [clip, "ast_000000000000000000000000", "../../etc/passwd"]), .unprocessableContent,
                fields: ["clips[1].source", "clips[2].source"])
            try await expectProblem(timelineJSON(clips: [clip, song]), .unprocessableContent, fields: ["clips[1].source"])
            try await expectProblem(
                timelineJSON(clips: [clip, clip], extra: "\"transitions\": [{\"type\": \"wobble\"}]"),
                .unprocessableContent, fields: ["transitions[0].type"])
            try await expectProblem(
                timelineJSON(clips: [clip], extra: "\"output\": {\"width\": 641, \"fps\": 0}"),
                .unprocessableContent, fields: ["output.width", "output.fps"])
            try await expectProblem("{\"clips\": [{\"source\": \"\(clip)\", \"in\": 50}]}", .unprocessableContent, fields: ["clips[0].in"])
            try await expectProblem(
                timelineJSON(clips: [clip], extra: "\"audio\": {\"source\": \"\(clip)\", \"loudness\": 3}"),
                .unprocessableContent, fields: ["audio.loudness"])
            // Wrong Content-Type, no body.
            try await client.execute(
                uri: "/api/mv/merge_videos", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: timelineJSON(clips: [clip]))
            ) { #expect($0.status == .unsupportedMediaType) }
            try await client.execute(uri: "/api/mv/merge_videos", method: .post, headers: [.contentType: "application/json"]) {
                #expect($0.status == .badRequest)
            }
            let list = try await client.getJSON("/api/jobs")
            #expect((list.body["jobs"] as? [Any])?.isEmpty == true, "no job was created")
        }
    }

    @Test func idempotencyKeyReturnsTheSameJob() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4")
            let body = timelineJSON(clips: [clip, clip], extra: "\"transition\": {\"type\": \"fade\", \"duration\": 0.4}")
            let first = try await client.postJSON("/api/mv/merge_videos", body, headers: [.idempotencyKey: "order-42"])
            #expect(first.status == .accepted)
            let id = try #require(first.body["job_id"] as? String)
            #expect(first.body["status_url"] as? String == "/api/jobs/\(id)")
            #expect(first.body["events_url"] as? String == "/api/jobs/\(id)/events")
            let again = try await client.postJSON("/api/mv/merge_videos", body, headers: [.idempotencyKey: "order-42"])
            #expect(again.status == .accepted && again.body["job_id"] as? String == id)
            let other = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: [clip]), headers: [.idempotencyKey: "order-42"])
            #expect(other.status == .conflict && other.body["type"] as? String == "idempotency_conflict")
            let bad = try await client.postJSON("/api/mv/merge_videos", body, headers: [.idempotencyKey: String(repeating: "k", count: 300)])
            #expect(bad.status == .badRequest)
            let without = try await client.postJSON("/api/mv/merge_videos", body)
            #expect(without.status == .accepted && without.body["job_id"] as? String != id)
            let jobs = try await client.getJSON("/api/jobs").body["jobs"] as? [[String: Any]]
            #expect(jobs?.count == 2)
        }
    }

    @Test func jobListPagesAndFilters() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            var ids: [String] = []
            for _ in 0..<5 {
                let answer = try await client.postJSON("/api/mv/analyze_audio", "{\"audio\": \"\(song)\", \"scene_durations\": [5, 10]}")
                #expect(answer.status == .accepted)
                ids.append(answer.body["job_id"] as? String ?? "")
            }
            // Cancel one queued job: it is canceled at once.
            try await client.execute(uri: "/api/jobs/\(ids[0])", method: .delete) { response in
                #expect(response.status == .ok)
                let status = try jsonObject(response.body)["status"] as? String
                #expect(status == "canceled")
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.getJSON("/api/jobs?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")).body
                seen += (page["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == ids.reversed(), "newest first, every job once")
            let queued = try await client.getJSON("/api/jobs?status=queued").body["jobs"] as? [[String: Any]]
            #expect(queued?.count == 4)
            let canceled = try await client.getJSON("/api/jobs?status=canceled&kind=analyze_audio").body["jobs"] as? [[String: Any]]
            #expect(canceled?.count == 1)
            for query in ["status=done", "limit=0", "limit=abc", "cursor=%2E%2E", "kind=../x"] {
                let answer = try await client.getJSON("/api/jobs?\(query)")
                #expect(answer.status == .badRequest, "\(query)")
            }
            // analyze_audio checks its own fields.
            let badSong = try await client.postJSON("/api/mv/analyze_audio", "{\"audio\": \"nope\", \"scene_durations\": [0], \"x\": 1}")
            let fields = (badSong.body["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(badSong.status == .unprocessableContent && Set(fields) == ["audio", "scene_durations[0]", "x"])
        }
    }

    @Test func jobIDsThatAreNotIDsAre404() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            for id in ["..%2F..%2Fetc%2Fpasswd", String(repeating: "j", count: 10_000), "job_000000000000000000000000", "1%20OR%201=1"] {
                for method in [HTTPRequest.Method.get, .delete] {
                    try await client.execute(uri: "/api/jobs/\(id)", method: method) { response in
                        #expect(response.status == .notFound)
                        #expect(response.headers[.contentType] == "application/problem+json")
                    }
                }
                try await client.execute(uri: "/api/mv/get_video/\(id)", method: .get) { #expect($0.status == .notFound) }
            }
        }
    }
}
