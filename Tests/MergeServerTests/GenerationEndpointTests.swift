import Foundation
import Generation
import Hummingbird
import HummingbirdTesting
import MergeServer
import Synchronization
import TestSupport
import Testing

/// The generation endpoints with no provider keys: every model is played by the mock
/// providers, so these run offline and check real media.
@Suite struct GenerationEndpointTests {
    @Test func modelsListTheCatalogAndWhatRunsForReal() async throws {
        let server = try await TestServer.make(workers: 0) { $0.limits.verboseHealth = true }
        try await server.test { client in
            let answer = try await client.getJSON("/api/models")
            #expect(answer.status == .ok)
            let models = answer.body["models"] as? [[String: Any]] ?? []
            let kling = try #require(models.first { $0["id"] as? String == "kling-v2.1" })
            #expect(kling["provider"] as? String == "replicate")
            #expect(kling["durations"] as? [Double] == [5, 10])
            #expect(kling["available"] as? Bool == false)
            #expect(models.first { $0["id"] as? String == "mock-video" }?["available"] as? Bool == true)
            #expect(kling["inputs"] as? [String] == ["image"])
            let defaults = answer.body["defaults"] as? [String: String]
            #expect(defaults?["video"] == "hailuo-02", "a prompt alone: text-to-video")
            #expect(defaults?["video_from_image"] == "kling-v2.1", "with a start image: image-to-video")

            let videos = try await client.getJSON("/api/models?kind=video").body["models"] as? [[String: Any]] ?? []
            #expect(!videos.isEmpty && videos.allSatisfy { $0["kind"] as? String == "video" })
            #expect(try await client.getJSON("/api/models?kind=sound").status == .badRequest)

            let health = try await client.getJSON("/health").body["generation"] as? [String: Any]
            #expect((health?["providers"] as? [String: String])?["replicate"] == "mock")
        }
    }

    @Test func badGenerationRequestsAreRefusedWithEveryProblemBeforeAJobExists() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            let many = try await client.postJSON(
                "/api/mv/generate_video",
                #"{"prompt": " ", "model": "kling-v2.1", "duration": 7, "aspect_ratio": "4:3", "colour": 1}"#)
            #expect(many.status == .unprocessableContent)
            let fields = (many.body["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(Set(fields) == ["colour", "prompt", "duration", "aspect_ratio", "image"])
            let messages = (many.body["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            #expect(messages.contains { $0.contains("5 or 10") })

            let unknown = try await client.postJSON("/api/mv/generate_video", #"{"prompt": "a cat", "model": "sora-9"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(String(describing: unknown.body["errors"]).contains("mock-video"))

            let budget = try await client.postJSON(
                "/api/mv/generate_video",
                #"{"prompt": "a cat", "model": "veo-3.1", "duration": 8, "budget_usd": 1}"#)
            #expect(budget.status == .unprocessableContent)
            #expect(String(describing: budget.body["errors"]).contains("3.2000"))

            let missingImage = try await client.postJSON("/api/mv/generate_video", #"{"prompt": "a cat", "image": "ast_000000000000000000000000"}"#)
            #expect(String(describing: missingImage.body["errors"]).contains("no asset"))
            let badImage = try await client.postJSON("/api/mv/generate_video", #"{"prompt": "a cat", "image": "file:///etc/passwd"}"#)
            #expect(badImage.status == .unprocessableContent)

            #expect(try await client.postJSON("/api/mv/generate_video", #"{"prompt": 3}"#).status == .unprocessableContent)
            #expect(try await client.postJSON("/api/mv/generate_video", #"{"prompt": "x""#).status == .badRequest)
            #expect(
                try await client.postJSON("/api/mv/generate_video?wait=forever", #"{"prompt": "a", "model": "mock-video"}"#).status == .badRequest)
            #expect(try await client.postJSON("/api/mv/create_scenes", #"{"idea": "x", "num_scenes": 0}"#).status == .unprocessableContent)
            #expect(
                try await client.postJSON("/api/mv/generate_character_reference", #"{"prompt": "x", "aspect_ratio": "2:1"}"#).status
                    == .unprocessableContent)

            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            let tooFew = try await client.postJSON("/api/mv/music_video", #"{"idea": "x", "audio": "\#(song)", "model": "veo-3.1", "num_scenes": 1}"#)
            #expect(tooFew.status == .unprocessableContent)
            #expect(String(describing: tooFew.body["errors"]).contains("num_scenes"))
            let transition = try await client.postJSON(
                "/api/mv/music_video",
                #"{"idea": "x", "audio": "\#(song)", "transition": {"type": "fade", "duration": -1, "durration": 1}}"#)
            #expect(transition.status == .unprocessableContent)
            let transitionFields = (transition.body["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(Set(transitionFields) == ["transition.duration", "transition.durration"])
            let clip = try await client.uploadID("clip_480x480_24_noaudio.mp4")
            let silent = try await client.postJSON("/api/mv/music_video", #"{"idea": "x", "audio": "\#(clip)"}"#)
            #expect(String(describing: silent.body["errors"]).contains("no audio"))

            let jobs = try await client.getJSON("/api/jobs").body["jobs"] as? [[String: Any]] ?? []
            #expect(jobs.isEmpty)
        }
    }

    @Test func generateVideoWithWaitReturnsTheFinishedMockClip() async throws {
        let server = try await TestServer.make(workers: 1)
        try await server.test { client in
            let answer = try await client.postJSON(
                "/api/mv/generate_video?wait=100",
                #"{"prompt": "a red fox running through snow", "model": "mock-video", "duration": 2, "aspect_ratio": "9:16", "resolution": "512p"}"#)
            #expect(answer.status == .ok)
            #expect(answer.body["status"] as? String == "succeeded")
            let result = try #require(answer.body["result"] as? [String: Any])
            #expect(result["is_mock"] as? Bool == true)
            #expect(result["kind"] as? String == "video")
            let videoID = try #require(result["video_id"] as? String)

            let file = try await server.videoFile(videoID)
            let probe = try Oracle.probe(file)
            #expect(abs((Double(probe.format.duration ?? "") ?? 0) - 2) < 0.05)
            #expect(probe.video?.width == 512)
            #expect(probe.video?.height == 910)
            try await client.execute(uri: "/api/mv/get_video/\(videoID)", method: .head) { #expect($0.status == .ok) }
            let info = try await client.getJSON("/api/mv/get_video/\(videoID)/info").body
            #expect((info["generation"] as? [String: Any])?["prompt"] as? String == "a red fox running through snow")
        }
    }

    @Test func characterReferenceIsAStoredPNG() async throws {
        let server = try await TestServer.make(workers: 1)
        try await server.test { client in
            let accepted = try await client.postJSON(
                "/api/mv/generate_character_reference", #"{"prompt": "a knight in blue armour", "aspect_ratio": "3:4"}"#)
            #expect(accepted.status == .accepted)
            #expect(accepted.body["estimated_cost_usd"] as? Double == 0.04)
            let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "")
            #expect(job["status"] as? String == "succeeded", "\(job)")
            let result = try #require(job["result"] as? [String: Any])
            #expect(result["kind"] as? String == "image")
            #expect(result["model"] as? String == "imagen-4")
            #expect((result["cost"] as? [String: Any])?["actual_usd"] as? Double == 0)
            let asset = try #require(try await server.dependencies.assets.find(result["asset_id"] as? String ?? ""))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: server.dependencies.store.path(of: asset)))
            #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            let probe = try Oracle.probe(server.dependencies.store.path(of: asset))
            let (width, height) = (probe.video?.width ?? 0, probe.video?.height ?? 0)
            #expect(width > 0 && abs(Double(width) / Double(height) - 0.75) < 0.02)
        }
    }

    /// Counts the plans the mock planner writes.
    final class CountingPlanner: ScenePlanner {
        let calls = Mutex(0)
        func planScenes(_ request: ScenePlanRequest) async throws -> ScenePlan {
            calls.withLock { $0 += 1 }
            return try await MockScenePlanner().planScenes(request)
        }
    }

    @Test func scenesAreTimedOnTheSongsDownbeatsAndCached() async throws {
        let planner = CountingPlanner()
        var mocks = ProviderDirectory.mocks(on: .tests)
        mocks.scenes["mock"] = planner
        let server = try await TestServer.make(workers: 1, mocks: mocks)
        try await server.test { client in
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            let body = #"{"idea": "a robot learns to dance", "audio": "\#(song)", "num_scenes": 4, "style": "neon noir"}"#
            var scenes: [[[String: Any]]] = []
            for _ in 0..<2 {
                let accepted = try await client.postJSON("/api/mv/create_scenes", body)
                let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "")
                #expect(job["status"] as? String == "succeeded", "\(job)")
                scenes.append((job["result"] as? [String: Any])?["scenes"] as? [[String: Any]] ?? [])
            }
            let first = scenes[0]
            #expect(first.count == 4)
            #expect(first.first?["start"] as? Double == 0)
            #expect(abs((first.last?["end"] as? Double ?? 0) - 16) < 0.05)
            for (scene, next) in zip(first, first.dropFirst()) {
                let end = scene["end"] as? Double ?? -1
                #expect(end == next["start"] as? Double)
                // The song's downbeats are every 2 s.
                #expect(abs(end / 2 - (end / 2).rounded()) * 2 < 0.08, "cut at \(end)")
            }
            #expect(first.allSatisfy { !($0["prompt"] as? String ?? "").isEmpty })
            #expect(first.map { $0["prompt"] as? String } == scenes[1].map { $0["prompt"] as? String })
            #expect(planner.calls.withLock { $0 } == 1, "the second plan came from the cache")
        }
    }

    @Test func musicVideoMakesOneBeatSyncedVideoOfTheSongsLength() async throws {
        let server = try await TestServer.make(workers: 1)
        try await server.test { client in
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            let accepted = try await client.postJSON(
                "/api/mv/music_video",
                #"{"idea": "a paper boat crossing a city in the rain", "audio": "\#(song)", "model": "mock-video", "resolution": "512p", "num_scenes": 3}"#
            )
            #expect(accepted.status == .accepted, "\(accepted.body)")
            let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "", timeout: .seconds(300))
            #expect(job["status"] as? String == "succeeded", "\(job)")
            let result = try #require(job["result"] as? [String: Any])
            #expect(result["is_mock"] as? Bool == true)
            let scenes = result["scenes"] as? [[String: Any]] ?? []
            #expect(scenes.count == 3)
            #expect(Set(scenes.compactMap { $0["clip_asset_id"] as? String }).count == 3)
            #expect(result["reference_asset_id"] as? String != nil)

            let videoID = try #require(result["video_id"] as? String)
            let file = try await server.videoFile(videoID)
            let probe = try Oracle.probe(file)
            #expect(abs((Double(probe.format.duration ?? "") ?? 0) - 16) < 0.1)
            #expect(probe.video?.height == 512)
            #expect(probe.streams.contains { $0.codec_type == "audio" })
            let cuts = result["cuts"] as? [Double] ?? []
            #expect(cuts.count == 2)
            for cut in cuts {
                #expect(abs(cut / 2 - (cut / 2).rounded()) * 2 < 0.08, "cut at \(cut) is not on a downbeat")
            }
            let beats = result["beats"] as? [Double] ?? []
            #expect(beats.count >= 28 && beats.count <= 34, "a 16 s song at 120 BPM has 32 beats, not \(beats.count)")
            for cut in cuts { #expect(beats.contains { abs($0 - cut) < 0.05 }) }
            let stored = scenes.compactMap { $0["end"] as? Double }.dropLast()
            for (cut, end) in zip(cuts, stored) { #expect(abs(cut - end) < 0.05) }
            // The picture changes at each cut: the two sides come from different clips.
            for cut in cuts {
                let before = try Oracle.frameRGB(file, at: cut - 0.2)
                let after = try Oracle.frameRGB(file, at: cut + 0.2)
                #expect(Oracle.meanAbsoluteDifference(before, after) > 5)
            }

            let costs = try await client.getJSON("/api/costs").body
            let rows = costs["by_day_and_model"] as? [[String: Any]] ?? []
            #expect(rows.contains { $0["model"] as? String == "mock-video" })
            #expect(rows.contains { $0["model"] as? String == "imagen-4" && ($0["estimated_usd"] as? Double ?? 0) > 0 })
            #expect(costs["actual_usd"] as? Double == 0)
        }
    }

    /// The first clip fails after the provider may have accepted it: that clip is not
    /// created again (neither by the clip's retry nor by a retry of the job), and the
    /// other clips still finish.
    final class FirstCallFails: VideoProvider {
        let calls = Mutex(0)
        func generateVideo(_ request: VideoGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
            if calls.withLock({ value in
                value += 1
                return value
            }) == 1 {
                throw ProviderError(.upstreamUnavailable, "HTTP 500 after the create", provider: "test", mayHaveBeenAccepted: true)
            }
            return try await MockVideoProvider(executor: .tests).generateVideo(request, context: context)
        }
    }

    @Test func aClipThatMayHaveBeenPaidForIsNotCreatedAgain() async throws {
        let video = FirstCallFails()
        var mocks = ProviderDirectory.mocks(on: .tests)
        mocks.video["mock"] = video
        let server = try await TestServer.make(workers: 1, mocks: mocks)
        try await server.test { client in
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            let accepted = try await client.postJSON(
                "/api/mv/music_video",
                #"{"idea": "x", "audio": "\#(song)", "model": "mock-video", "resolution": "512p", "num_scenes": 3}"#)
            let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "", timeout: .seconds(300))
            #expect(job["status"] as? String == "failed")
            #expect((job["error"] as? [String: Any])?["type"] as? String == "upstream_unavailable")
            #expect(job["attempts"] as? Int == 1)
            #expect(video.calls.withLock { $0 } == 3)
        }
    }
}
