import Foundation
import HTTPTypes
import HummingbirdTesting
import Media
import MergeServer
import NIOCore
import TestSupport
import Testing

/// `voiceover` through the API (an uploaded asset, checked like the song) and the command
/// line; `outputs` on the command line, refused by the API until its results carry URLs.
@Suite struct VoiceOverJobTests {
    @Test func anUploadedVoiceIsMixedAndBadOnesAreRefusedWithFieldPaths() async throws {
        let server = try await TestServer.make(workers: 1)
        let scratch = try TemporaryDirectory()
        try await server.test(.live) { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4")
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            let voice = try await client.uploadID("audio_only.mp4")
            let silent = try await client.uploadID("clip_480x480_24_noaudio.mp4")
            func body(_ voiceover: String, extra: String = "") -> String {
                """
                {"clips": [{"source": "\(clip)"}], "audio": {"source": "\(song)", "loudness": -16},
                 "voiceover": \(voiceover), "output": {"width": 160, "height": 120}\(extra)}
                """
            }
            func fields(_ answer: (status: HTTPResponse.Status, body: [String: Any])) -> Set<String> {
                Set((answer.body["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            }
            let misspelt = try await client.postJSON("/api/mv/merge_videos", body(#"{"source": "\#(voice)", "ducking": {"dept": 6}}"#))
            #expect(misspelt.status == .unprocessableContent && fields(misspelt) == ["voiceover.ducking.dept"], "\(misspelt.body)")
            let numbers = try await client.postJSON(
                "/api/mv/merge_videos", body(#"{"source": "\#(voice)", "start": -2, "ducking": {"depth": 99}}"#))
            #expect(numbers.status == .unprocessableContent)
            #expect(fields(numbers) == ["voiceover.start", "voiceover.ducking.depth"], "\(numbers.body)")
            let soundless = try await client.postJSON("/api/mv/merge_videos", body(#"{"source": "\#(silent)"}"#))
            #expect(soundless.status == .unprocessableContent && fields(soundless) == ["voiceover.source"], "\(soundless.body)")
            let missing = try await client.postJSON("/api/mv/merge_videos", body(#"{"source": "ast_0123456789abcdef01234567"}"#))
            #expect(missing.status == .unprocessableContent && fields(missing) == ["voiceover.source"], "\(missing.body)")
            let badOutputs = try await client.postJSON(
                "/api/mv/merge_videos", body(#"{"source": "\#(voice)"}"#, extra: #", "outputs": {"preview": {"width": 4000}}"#))
            #expect(badOutputs.status == .unprocessableContent && fields(badOutputs) == ["outputs.preview.width"], "\(badOutputs.body)")

            let accepted = try await client.postJSON(
                "/api/mv/merge_videos",
                body(
                    #"{"source": "\#(voice)", "start": 0.5, "ducking": {"depth": 10}}"#,
                    extra: #", "outputs": {"poster": {}, "sprite": {"interval": 1, "columns": 2, "width": 64}, "mp3": {}}"#))
            #expect(accepted.status == .accepted, "\(accepted.body)")
            let job = try await client.waitForJob(try #require(accepted.body["job_id"] as? String))
            #expect(job["status"] as? String == "succeeded", "\(job)")
            let videoURL = try #require((job["result"] as? [String: Any])?["video_url"] as? String)
            let file = scratch.file("downloaded.mp4")
            try await client.execute(uri: videoURL, method: .get) { response in
                #expect(response.status == .ok)
                try Data(response.body.readableBytesView).write(to: URL(fileURLWithPath: file))
            }
            let loudness = try Oracle.loudness(file).integrated
            #expect(abs(loudness + 16) <= 1, "integrated \(loudness) LUFS for -16")

            // The extra files, by kind, each at its URL; a name that is not one is 404.
            let outputs = try #require((job["result"] as? [String: Any])?["outputs"] as? [String: [String: Any]])
            #expect(Set(outputs.keys) == ["poster", "sprite", "sprite_index", "mp3"], "\(outputs)")
            let posterURL = try #require(outputs["poster"]?["url"] as? String)
            #expect(posterURL == videoURL + "/files/poster.jpg")
            try await client.execute(uri: posterURL, method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg")
                try Data(response.body.readableBytesView).write(to: URL(fileURLWithPath: scratch.file("poster.jpg")))
            }
            #expect(try Oracle.probe(scratch.file("poster.jpg")).video?.width == 160)
            try await client.execute(uri: try #require(outputs["sprite_index"]?["url"] as? String), method: .get) { response in
                #expect(response.status == .ok)
                let index = String(buffer: response.body)
                #expect(index.hasPrefix("WEBVTT") && index.contains("\nsprite.jpg#xywh=64,0,64,48\n"), "\(index)")
            }
            try await client.execute(uri: try #require(outputs["mp3"]?["url"] as? String), method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "audio/mpeg")
            }
            try await client.execute(uri: videoURL + "/files/secrets.txt", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func theCommandLineWritesTheExtraOutputsBesideTheVideo() throws {
        let directory = try TemporaryDirectory()
        let timeline = directory.file("timeline.json")
        try Data(
            """
            {"clips": [{"source": "\(Paths.fixture("clip_640x480_25.mp4"))"}],
             "voiceover": {"source": "\(Paths.fixture("audio_only.mp4"))", "start": 0.5},
             "output": {"width": 320, "height": 240},
             "outputs": {"poster": {"format": "webp"}, "sprite": {"interval": 0.5, "columns": 2, "width": 64},
                         "preview": {"duration": 1, "width": 96, "fps": 5}, "mp3": {"bitrate": 96000}}}
            """.utf8
        ).write(to: URL(fileURLWithPath: timeline))
        let output = directory.file("out.mp4")
        let render = try ProcessRunner.run(Paths.mergeServer, ["render", "--timeline", timeline, "-o", output, "--json-progress"])
        #expect(render.status == 0, "\(render.stderr)")
        for name in ["out.poster.webp", "out.sprite.jpg", "out.sprite.vtt", "out.preview.gif", "out.audio.mp3"] {
            #expect(FileManager.default.fileExists(atPath: directory.file(name)), "\(name)")
        }
        #expect(render.stdout.contains(#""kind":"sprite_index""#), "\(render.stdout.suffix(600))")
        let sprite = try Oracle.probe(directory.file("out.sprite.jpg"))
        #expect(sprite.video?.width == 128 && sprite.video?.height == 96, "4 tiles of 64x48 in 2 columns")

        // A bad value: one line naming the field, and no file at all.
        try Data(
            #"{"clips": [{"source": "\#(Paths.fixture("clip_640x480_25.mp4"))"}], "outputs": {"preview": {"duration": 9}}}"#.utf8
        ).write(to: URL(fileURLWithPath: timeline))
        let refused = try ProcessRunner.run(Paths.mergeServer, ["render", "--timeline", timeline, "-o", directory.file("bad.mp4")])
        #expect(refused.status != 0 && refused.stderr.hasPrefix("error:") && refused.stderr.contains("outputs.preview.duration"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("bad.mp4")))
    }
}
