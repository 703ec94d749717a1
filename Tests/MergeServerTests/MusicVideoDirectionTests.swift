import Foundation
import Generation
import HTTPTypes
import HummingbirdTesting
import Media
import MergeServer
import Synchronization
import TestSupport
import Testing

/// `music_video` directed: a pace in bars, transitions that differ at section changes,
/// and `on_clip_failure: "still"`, which keeps a failed generation from sinking the video.
@Suite struct MusicVideoDirectionTests {
    @Test func twoBarsPerSceneOnA120BPMSongCutsEveryFourSecondsOnDownbeats() async throws {
        let server = try await TestServer.make(workers: 1)
        try await server.test { client in
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            let accepted = try await client.postJSON(
                "/api/mv/music_video",
                #"{"idea": "a lighthouse at night", "audio": "\#(song)", "model": "mock-video", "resolution": "512p", "pace": {"bars_per_scene": 2}}"#
            )
            #expect(accepted.status == .accepted, "\(accepted.body)")
            let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "", timeout: .seconds(300))
            #expect(job["status"] as? String == "succeeded", "\(job)")
            let result = try #require(job["result"] as? [String: Any])
            let cuts = result["cuts"] as? [Double] ?? []
            // 16 s at 120 BPM in 4/4: a bar is 2 s, a scene 4 s.
            #expect(cuts.count == 3, "\(cuts)")
            for (cut, expected) in zip(cuts, [4.0, 8, 12]) { #expect(abs(cut - expected) < 0.08, "\(cuts)") }
            let beats = result["beats"] as? [Double] ?? []
            for cut in cuts { #expect(beats.contains { abs($0 - cut) < 0.05 }, "cut \(cut) is on a beat") }
            #expect((result["scenes"] as? [[String: Any]])?.count == 4)
            #expect(result["replaced_scenes"] as? [Int] == [])
        }
    }

    @Test func theEstimateCountsTheClipsThePaceImplies() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test(.router) { client in
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            /// The estimate, read from the refusal of a budget too small for anything.
            func estimate(_ pace: String) async throws -> Double {
                let refused = try await client.postJSON(
                    "/api/mv/music_video",
                    #"{"idea": "x", "audio": "\#(song)", "model": "kling-v2.1", "budget_usd": 0.0001, "pace": \#(pace)}"#)
                #expect(refused.status == .unprocessableContent, "\(refused.body)")
                let text = "\(refused.body)"
                guard let range = text.range(of: #"estimated at \$[0-9.]+"#, options: .regularExpression) else { return -1 }
                return Double(text[range].dropFirst("estimated at $".count)) ?? -1
            }
            // kling-v2.1 makes 5 s or 10 s clips: 8 one-bar scenes are 8 clips of 5 s; 2 four-bar scenes 2 of 10 s.
            let oneBar = try await estimate(#"{"bars_per_scene": 1}"#)
            let fourBars = try await estimate(#"{"bars_per_scene": 4}"#)
            #expect(oneBar > 0 && fourBars > 0)
            let videoShare = oneBar - fourBars
            #expect(abs(videoShare - 20 * 0.05) < 0.01, "40 s of video against 20 s at $0.05/s: \(oneBar) vs \(fourBars)")

            func fields(_ extra: String) async throws -> [String] {
                let refused = try await client.postJSON("/api/mv/music_video", #"{"idea": "x", "audio": "\#(song)", \#(extra)}"#)
                #expect(refused.status == .unprocessableContent, "\(refused.body)")
                return (refused.body["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            }
            #expect(try await fields(#""pace": {"bars_per_scene": 3}"#) == ["pace.bars_per_scene"])
            #expect(try await fields(#""pace": "fast""#) == ["pace"])
            #expect(Set(try await fields(#""pace": {"bars": 2}"#)) == ["pace", "pace.bars"])
            #expect(try await fields(#""pace": {"bars_per_scene": 2}, "num_scenes": 4"#) == ["num_scenes"])
            #expect(try await fields(#""model": "kling-v2.1", "pace": {"bars_per_scene": 8}"#) == ["pace.bars_per_scene"], "16 s scenes, 10 s clips")
            #expect(
                try await fields(#""transition": {"type": "cut", "section": {"type": "spin", "durration": 1}}"#).sorted() == [
                    "transition.section.durration", "transition.section.type",
                ])
            #expect(try await fields(#""on_clip_failure": "retry""#) == ["on_clip_failure"])
        }
    }

    /// Fails the second clip it is asked for, for good (the model failed: not retried).
    final class SecondClipFails: VideoProvider {
        let calls = Mutex(0)
        func generateVideo(_ request: VideoGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
            let call = calls.withLock { value in
                value += 1
                return value
            }
            if call == 2 { throw ProviderError(.generationFailed, "the model could not render this scene", provider: "test") }
            return try await MockVideoProvider(executor: .tests).generateVideo(request, context: context)
        }
    }

    @Test func aFailedClipIsReplacedByTheReferenceInMotionAndTheVideoStillDelivers() async throws {
        let video = SecondClipFails()
        var mocks = ProviderDirectory.mocks(on: .tests)
        mocks.video["mock"] = video
        let server = try await TestServer.make(workers: 1, mocks: mocks)
        try await server.test { client in
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            let body = #"""
                {"idea": "x", "audio": "\#(song)", "model": "mock-video", "resolution": "512p", "pace": {"bars_per_scene": 2},
                 "on_clip_failure": "still", "transition": {"type": "cut", "section": {"type": "fadeblack", "duration": 0.5}}}
                """#
            let accepted = try await client.postJSON("/api/mv/music_video", body)
            #expect(accepted.status == .accepted, "\(accepted.body)")
            let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "", timeout: .seconds(300))
            #expect(job["status"] as? String == "succeeded", "\(job)")
            let result = try #require(job["result"] as? [String: Any])
            let replaced = try #require(result["replaced_scenes"] as? [Int])
            #expect(replaced.count == 1, "\(result)")
            let scenes = result["scenes"] as? [[String: Any]] ?? []
            #expect(scenes.count == 4)
            let still = try #require(scenes.first { $0["replaced_by_still"] as? Bool == true })
            #expect(still["clip_asset_id"] as? String == result["reference_asset_id"] as? String)
            #expect((still["failure"] as? String)?.contains("generation_failed") == true, "\(still)")
            #expect(video.calls.withLock { $0 } == 4, "the other clips are still made; the failed one is not retried")

            // The whole video, 16 s, with the still's scene moving (consecutive frames differ).
            let file = try await server.videoFile(try #require(result["video_id"] as? String))
            #expect(abs((Double(try Oracle.probe(file).format.duration ?? "") ?? 0) - 16) < 0.1)
            let index = try #require(still["index"] as? Int)
            let start = Double(index) * 4
            let first = try Oracle.frameRGB(file, at: start + 1)
            let later = try Oracle.frameRGB(file, at: start + 3)
            #expect(Oracle.meanAbsoluteDifference(first, later) > 0.5, "the reference image moves")
        }
    }
}
