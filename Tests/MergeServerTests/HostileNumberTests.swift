import Foundation
import HTTPTypes
import HummingbirdTesting
import MergeServer
import NIOCore
import TestSupport
import Testing

/// Every numeric field of every request body and query string, given the numbers a
/// hostile caller sends: each is a 4xx naming the field, or — where the value is in
/// range — accepted and then rendered without harm. A trap anywhere would end this
/// test process, so getting to the end is itself the proof that the server stays up.
@Suite struct HostileNumberTests {
    /// As they appear in the JSON (NaN as text: JSON has no NaN).
    static let values = ["1e300", "-1e300", "-0", "1e-300", "\"NaN\"", "9223372036854775807", "1e19"]

    /// One numeric field: the route, the body with `#` where the number goes, the field's
    /// path in a problem, and the values of `values` that are in its range.
    struct Field: Sendable, CustomStringConvertible {
        let route: String
        let field: String
        let body: String
        var accepts: Set<String> = []
        var description: String { "\(route) \(field)" }
    }

    /// Zero and a hair above it, for fields whose range starts at 0.
    static let zeroes: Set<String> = ["-0", "1e-300"]

    static func fields(clip: String, song: String) -> [Field] {
        let merge = "/api/mv/merge_videos"
        let one = "{\"source\": \"\(clip)\""
        let two = "\"clips\": [\(one)}, \(one)}]"
        func timeline(_ extra: String) -> String { "{\(two), \(extra)}" }
        return [
            Field(route: merge, field: "clips[0].in", body: "{\"clips\": [\(one), \"in\": #}]}", accepts: zeroes),
            Field(route: merge, field: "clips[0].out", body: "{\"clips\": [\(one), \"out\": #}]}", accepts: ["1e-300"]),
            Field(route: merge, field: "clips[0].volume", body: "{\"clips\": [\(one), \"volume\": #}]}", accepts: zeroes),
            Field(
                route: merge, field: "transition.duration", body: timeline("\"transition\": {\"type\": \"fade\", \"duration\": #}"), accepts: zeroes),
            Field(
                route: merge, field: "transitions[0].duration", body: timeline("\"transitions\": [{\"type\": \"wipeleft\", \"duration\": #}]"),
                accepts: zeroes),
            Field(route: merge, field: "audio.start", body: timeline("\"audio\": {\"source\": \"\(song)\", \"start\": #}"), accepts: zeroes),
            Field(route: merge, field: "audio.volume", body: timeline("\"audio\": {\"source\": \"\(song)\", \"volume\": #}"), accepts: zeroes),
            Field(route: merge, field: "audio.fade_in", body: timeline("\"audio\": {\"source\": \"\(song)\", \"fade_in\": #}"), accepts: zeroes),
            Field(route: merge, field: "audio.fade_out", body: timeline("\"audio\": {\"fade_out\": #}"), accepts: zeroes),
            Field(
                route: merge, field: "audio.clip_audio_volume", body: timeline("\"audio\": {\"clip_audio\": \"mix\", \"clip_audio_volume\": #}"),
                accepts: zeroes),
            Field(route: merge, field: "audio.loudness", body: timeline("\"audio\": {\"loudness\": #}")),
            Field(route: merge, field: "audio.true_peak", body: timeline("\"audio\": {\"true_peak\": #}"), accepts: ["-0"]),
            Field(route: merge, field: "beat_sync.every", body: timeline("\"beat_sync\": {\"every\": #}")),
            Field(route: merge, field: "beat_sync.max_shift", body: timeline("\"beat_sync\": {\"max_shift\": #}"), accepts: zeroes),
            Field(route: merge, field: "output.width", body: timeline("\"output\": {\"width\": #, \"height\": 480}")),
            Field(route: merge, field: "output.height", body: timeline("\"output\": {\"width\": 640, \"height\": #}")),
            Field(route: merge, field: "output.fps", body: timeline("\"output\": {\"fps\": #}")),
            Field(route: merge, field: "output.crf", body: timeline("\"output\": {\"crf\": #}")),
            Field(route: merge, field: "output.audio_bitrate", body: timeline("\"output\": {\"audio_bitrate\": #}")),
            Field(route: "/api/mv/analyze_audio", field: "scene_durations[0]", body: "{\"audio\": \"\(song)\", \"scene_durations\": [#]}"),
            Field(route: "/api/mv/create_scenes", field: "num_scenes", body: "{\"idea\": \"x\", \"model\": \"mock-scenes\", \"num_scenes\": #}"),
            Field(
                route: "/api/mv/create_scenes", field: "budget_usd", body: "{\"idea\": \"x\", \"model\": \"mock-scenes\", \"budget_usd\": #}",
                accepts: zeroes),
            Field(
                route: "/api/mv/generate_character_reference", field: "budget_usd",
                body: "{\"prompt\": \"x\", \"model\": \"mock-image\", \"budget_usd\": #}", accepts: zeroes),
            Field(route: "/api/mv/generate_video", field: "duration", body: "{\"prompt\": \"x\", \"model\": \"mock-video\", \"duration\": #}"),
            Field(
                route: "/api/mv/generate_video", field: "seed", body: "{\"prompt\": \"x\", \"model\": \"mock-video\", \"seed\": #}", accepts: ["-0"]),
            Field(
                route: "/api/mv/generate_video", field: "budget_usd", body: "{\"prompt\": \"x\", \"model\": \"mock-video\", \"budget_usd\": #}",
                accepts: zeroes),
            Field(
                route: "/api/mv/music_video", field: "num_scenes",
                body: "{\"idea\": \"x\", \"audio\": \"\(song)\", \"model\": \"mock-video\", \"num_scenes\": #}"),
            Field(
                route: "/api/mv/music_video", field: "transition.duration",
                body: "{\"idea\": \"x\", \"audio\": \"\(song)\", \"model\": \"mock-video\", \"transition\": {\"type\": \"fade\", \"duration\": #}}",
                accepts: zeroes),
            Field(
                route: "/api/mv/music_video", field: "budget_usd",
                body:
                    "{\"idea\": \"x\", \"audio\": \"\(song)\", \"model\": \"mock-video\", \"image_model\": \"mock-image\", \"scenes_model\": \"mock-scenes\", \"budget_usd\": #}",
                accepts: zeroes),
        ]
    }

    @Test func everyNumericBodyFieldIsRangeChecked() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4")
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            for field in Self.fields(clip: clip, song: song) {
                for value in Self.values {
                    let body = field.body.replacingOccurrences(of: "#", with: value)
                    let (status, problem) = try await client.postJSON(field.route, body)
                    if field.accepts.contains(value) {
                        #expect(status == .accepted, "\(field) = \(value) is in range: \(status) \(problem)")
                    } else {
                        #expect(status == .unprocessableContent, "\(field) = \(value): \(status) \(problem)")
                        let named = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                        #expect(named.contains(field.field), "\(field) = \(value) names \(named): \(problem)")
                    }
                }
            }
            // Still up: a valid request is accepted.
            #expect(try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: [clip])).status == .accepted)
        }
    }

    @Test func everyNumericQueryParameterIsRangeChecked() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4")
            for value in Self.values {
                let text = value.replacingOccurrences(of: "\"", with: "")
                let wait = try await client.postJSON("/api/mv/merge_videos?wait=\(text)", timelineJSON(clips: [clip]))
                if Self.zeroes.contains(value) {
                    #expect(wait.status == .accepted, "wait=\(text): \(wait)")
                } else {
                    #expect(wait.status == .badRequest && String(describing: wait.body).contains("wait"), "wait=\(text): \(wait)")
                }
                for uri in ["/api/jobs?limit=\(text)", "/api/costs?from=\(text)", "/api/costs?to=\(text)"] {
                    let answer = try await client.getJSON(uri)
                    #expect((400..<500).contains(answer.status.code), "\(uri): \(answer)")
                }
            }
            // A forged cursor whose time is not a number pages nothing: 400, not a query on NaN.
            let job = try #require(try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: [clip])).body["job_id"] as? String)
            for time in ["nan", "inf", "-inf"] {
                let token = Data("\(time)|\(job)".utf8).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
                #expect(try await client.getJSON("/api/jobs?cursor=\(token)").status == .badRequest, "\(time)")
            }
            #expect(try await client.getJSON("/api/jobs?limit=5").status == .ok)
        }
    }

    /// The in-range edge values, all in one timeline each, really rendered: a 202 must
    /// never be a job that takes the worker down.
    @Test func acceptedEdgeValuesRender() async throws {
        let server = try await TestServer.make(workers: 1)
        try await server.test { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4")
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            for zero in Self.zeroes {
                let body = """
                    {"clips": [{"source": "\(clip)", "in": \(zero), "volume": \(zero)}, {"source": "\(clip)", "out": 1}],
                     "transition": {"type": "fade", "duration": \(zero)},
                     "audio": {"source": "\(song)", "start": \(zero), "volume": \(zero), "fade_in": \(zero), "fade_out": \(zero),
                               "clip_audio": "mix", "clip_audio_volume": \(zero), "true_peak": -0},
                     "beat_sync": {"max_shift": \(zero)}}
                    """
                let accepted = try await client.postJSON("/api/mv/merge_videos", body)
                #expect(accepted.status == .accepted, "\(accepted)")
                let id = try #require(accepted.body["job_id"] as? String)
                let job = try await client.waitForJob(id)
                #expect(job["status"] as? String == "succeeded", "\(zero): \(job)")
            }
        }
    }

    /// The operator's limits (`ServerLimits`, MERGE_SERVER_*) bind API callers.
    @Test func configuredLimitsBindAPICallers() async throws {
        let server = try await TestServer.make(workers: 0) { configuration in
            configuration.limits.maxSongSeconds = 1
            configuration.limits.maxOutputSeconds = 1
            configuration.limits.maxClips = 2
        }
        try await server.test { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4")
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            func fields(_ route: String, _ body: String) async throws -> [String] {
                let (status, problem) = try await client.postJSON(route, body)
                #expect(status == .unprocessableContent, "\(route): \(problem)")
                return (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            }
            #expect(try await fields("/api/mv/analyze_audio", "{\"audio\": \"\(song)\"}") == ["audio"])
            #expect(try await fields("/api/mv/music_video", "{\"idea\": \"x\", \"audio\": \"\(song)\", \"model\": \"mock-video\"}") == ["audio"])
            #expect(try await fields("/api/mv/merge_videos", timelineJSON(clips: [clip, clip, clip])) == ["clips"])
            // Two clips of 2 s each: over the 1 s output limit.
            #expect(try await fields("/api/mv/merge_videos", timelineJSON(clips: [clip, clip])) == ["clips"])
            let synced = try await fields(
                "/api/mv/merge_videos",
                timelineJSON(
                    clips: [clip],
                    extra: """
                        "audio": {"source": "\(song)"}, "beat_sync": {"mode": "beat"}
                        """))
            #expect(synced.contains("audio.source"), "\(synced)")
            #expect(try await client.postJSON("/api/mv/merge_videos", "{\"clips\": [{\"source\": \"\(clip)\", \"out\": 0.8}]}").status == .accepted)
        }
    }

    /// The issue's example: 190 000 clips at 4096² 120 fps crf 0 veryslow is refused from
    /// the body's head, naming every limit it is over.
    @Test func theLargestTimelineIsRefusedNamingTheLimits() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4")
            let one = "{\"source\":\"\(clip)\"}"
            let clips = Array(repeating: one, count: 190_000).joined(separator: ",")
            let body = "{\"clips\":[\(clips)],\"output\":{\"width\":4096,\"height\":4096,\"fps\":120,\"crf\":0,\"preset\":\"veryslow\"}}"
            let (status, problem) = try await client.postJSON("/api/mv/merge_videos", body)
            #expect(status == .unprocessableContent, "\(problem)")
            let errors = problem["errors"] as? [[String: Any]] ?? []
            let named = Set(errors.compactMap { $0["field"] as? String })
            #expect(named == ["clips", "output.fps", "output.crf", "output.preset"], "\(errors)")
            let messages = errors.compactMap { $0["message"] as? String }.joined(separator: " ")
            #expect(messages.contains("1000") && messages.contains("10") && messages.contains("medium"), "\(messages)")
            #expect((try await client.getJSON("/api/jobs").body["jobs"] as? [Any])?.isEmpty == true)
        }
    }
}
