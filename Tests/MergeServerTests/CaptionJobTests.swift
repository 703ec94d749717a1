import Foundation
import HTTPTypes
import HummingbirdTesting
import Media
import MergeServer
import NIOCore
import TestSupport
import Testing

/// Captions through the API: an SRT upload is a `captions` asset (never handed to
/// FFmpeg), named by `captions.source` it becomes the render's subtitle track, and a
/// wrong asset, a URL or a broken file is refused with its field path.
@Suite struct CaptionJobTests {
    static let srt = "1\n00:00:00,200 --> 00:00:00,800\nHello\n\n2\n00:00:01,000 --> 00:00:01,600\n世界\n"

    func upload(_ client: any TestClientProtocol, _ text: String, filename: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(
            uri: "/api/uploads?filename=\(filename)", method: .post,
            headers: [.contentType: filename.hasSuffix(".vtt") ? "text/vtt" : "application/x-subrip"], body: ByteBuffer(string: text)
        ) { response in (response.status, (try? jsonObject(response.body)) ?? [:]) }
    }

    @Test func anUploadedSubRipFileBecomesTheRendersSubtitleTrack() async throws {
        let server = try await TestServer.make(workers: 1)
        let scratch = try TemporaryDirectory()
        try await server.test(.router) { client in
            let uploaded = try await upload(client, Self.srt, filename: "lyrics.srt")
            #expect(uploaded.0 == .created, "\(uploaded.1)")
            #expect(uploaded.1["kind"] as? String == "captions")
            let captions = try #require(uploaded.1["id"] as? String)
            let video = try await client.uploadID("clip_640x480_25.mp4")
            let body = """
                {"clips": [{"source": "\(video)", "out": 2}], "captions": {"source": "\(captions)", "burn": false},
                 "output": {"width": 320, "height": 240}}
                """
            let accepted = try await client.postJSON("/api/mv/merge_videos", body)
            #expect(accepted.status == .accepted, "\(accepted.body)")
            let job = try await client.waitForJob(try #require(accepted.body["job_id"] as? String))
            #expect(job["status"] as? String == "succeeded", "\(job)")
            let videoURL = try #require((job["result"] as? [String: Any])?["video_url"] as? String)
            let file = scratch.file("captioned.mp4")
            try await client.execute(uri: videoURL, method: .get) { response in
                try Data(response.body.readableBytesView).write(to: URL(fileURLWithPath: file))
            }
            let read = try ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-i", file, "-map", "0:s:0", "-f", "srt", "-"])
            #expect(read.status == 0, "\(read.stderr)")
            #expect(read.stdout.contains("00:00:00,200 --> 00:00:00,800") && read.stdout.contains("世界"), "\(read.stdout)")
        }
    }

    @Test func wrongCaptionSourcesAreRefusedWithTheirFieldPath() async throws {
        let server = try await TestServer.make(workers: 1)
        try await server.test(.router) { client in
            let video = try await client.uploadID("clip_640x480_25.mp4")
            func fields(_ captions: String) async throws -> [String] {
                let refused = try await client.postJSON("/api/mv/merge_videos", #"{"clips": [{"source": "\#(video)"}], "captions": \#(captions)}"#)
                #expect(refused.status == .unprocessableContent, "\(refused.body)")
                return (refused.body["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            }
            #expect(try await fields(#"{"source": "\#(video)"}"#) == ["captions.source"], "a video is not captions")
            #expect(try await fields(#"{"source": "https://example.com/a.srt"}"#) == ["captions.source"])
            #expect(try await fields(#"{"source": "ast_00000000000000000000000000000000"}"#) == ["captions.source"])
            #expect(try await fields(#"{"cues": [{"start": 2, "end": 1, "text": "x"}]}"#) == ["captions.cues[0].end"])
            #expect(try await fields(#"{"source": "x", "burned": true}"#) == ["captions.burned"])

            // A captions asset where a clip goes is named as such.
            let captions = try #require(try await upload(client, Self.srt, filename: "a.srt").1["id"] as? String)
            let misplaced = try await client.postJSON("/api/mv/merge_videos", #"{"clips": [{"source": "\#(captions)"}]}"#)
            #expect(misplaced.status == .unprocessableContent)
            #expect("\(misplaced.body)".contains("caption file"), "\(misplaced.body)")
        }
    }

    @Test func aBrokenCaptionFileIsRefusedOnUpload() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test(.router) { client in
            let backwards = try await upload(client, "1\n00:00:02,000 --> 00:00:01,000\nback\n", filename: "b.srt")
            #expect(backwards.0 == .unprocessableContent || backwards.0 == .badRequest, "\(backwards.1)")
            #expect("\(backwards.1)".contains("caption file"), "\(backwards.1)")
        }
    }

    @Test func theCommandLineBurnsOrCarriesACaptionFile() throws {
        let directory = try TemporaryDirectory()
        let clip = directory.file("clip.mp4")
        let made = try ProcessRunner.run(Paths.mergeServer, ["mock", clip, "--duration", "2", "--size", "320x180"])
        #expect(made.status == 0, "\(made.stderr)")
        let vtt = directory.file("lyrics.vtt")
        try "WEBVTT\n\n00:00.200 --> 00:00.900\nla la\n".write(toFile: vtt, atomically: true, encoding: .utf8)
        let soft = directory.file("soft.mkv")
        let run = try ProcessRunner.run(Paths.mergeServer, ["render", clip, "--captions", vtt, "--soft-captions", "-o", soft])
        #expect(run.status == 0, "\(run.stderr)")
        let codec = try ProcessRunner.run(
            "ffprobe", ["-v", "error", "-select_streams", "s", "-show_entries", "stream=codec_name", "-of", "csv=p=0", soft])
        #expect(codec.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "subrip")
        let burned = directory.file("burned.mp4")
        #expect(try ProcessRunner.run(Paths.mergeServer, ["render", clip, "--captions", vtt, "-o", burned]).status == 0)
        #expect(try Oracle.probe(burned).streams.allSatisfy { $0.codec_type != "subtitle" })

        // A broken file: the error names it and no output is left.
        try "WEBVTT\n\n00:00.900 --> 00:00.200\nbackwards\n".write(toFile: vtt, atomically: true, encoding: .utf8)
        let failed = try ProcessRunner.run(Paths.mergeServer, ["render", clip, "--captions", vtt, "-o", directory.file("x.mp4")])
        #expect(failed.status != 0 && failed.stderr.contains("captions.source"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("x.mp4")))
        let lonely = try ProcessRunner.run(Paths.mergeServer, ["render", clip, "--soft-captions", "-o", directory.file("y.mp4")])
        #expect(lonely.status != 0 && lonely.stderr.contains("--captions"), "\(lonely.stderr)")
    }
}
