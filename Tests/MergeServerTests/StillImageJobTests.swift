import Foundation
import HTTPTypes
import HummingbirdTesting
import Media
import MergeServer
import NIOCore
import TestSupport
import Testing

/// `merge_videos` with an uploaded still image as a clip and text overlays: rendered to
/// the frame, and refused with field paths when the image has no duration.
@Suite struct StillImageJobTests {
    /// A PNG written by the ffmpeg CLI, uploaded raw; its asset id.
    func uploadPicture(_ client: any TestClientProtocol, in directory: TemporaryDirectory) async throws -> String {
        let path = directory.file("picture.png")
        let run = try ProcessRunner.run(
            "ffmpeg", ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=640x360", "-frames:v", "1", "-y", path])
        #expect(run.status == 0, "\(run.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let answer = try await client.execute(
            uri: "/api/uploads?filename=picture.png", method: .post, headers: [.contentType: "image/png"], body: ByteBuffer(bytes: data)
        ) { response in (response.status, (try? jsonObject(response.body)) ?? [:]) }
        #expect(answer.0 == .created || answer.0 == .ok, "\(answer.1)")
        #expect(answer.1["kind"] as? String == "image")
        return answer.1["id"] as? String ?? ""
    }

    @Test func anUploadedImageWithMotionAndOverlaysRenders() async throws {
        let server = try await TestServer.make(workers: 1)
        let scratch = try TemporaryDirectory()
        try await server.test(.live) { client in
            let picture = try await uploadPicture(client, in: scratch)
            let video = try await client.uploadID("clip_640x480_25.mp4")
            let body = """
                {"clips": [{"source": "\(picture)", "duration": 1.6, "motion": "zoom_in", "motion_strength": 0.2,
                            "overlays": [{"text": "第一幕", "start": 0.2, "end": 1.2, "position": "top", "box": true}]},
                           {"source": "\(video)", "out": 1}],
                 "transition": {"type": "fade", "duration": 0.4},
                 "overlays": [{"text": "The End", "start": 1.6, "position": "0.1,0.7", "size": 24, "color": "#FFE08A", "fade": 0.2}],
                 "output": {"width": 320, "height": 180, "fps": 25}}
                """
            let accepted = try await client.postJSON("/api/mv/merge_videos", body)
            #expect(accepted.status == .accepted, "\(accepted.body)")
            let id = try #require(accepted.body["job_id"] as? String)
            let job = try await client.waitForJob(id)
            #expect(job["status"] as? String == "succeeded", "\(job)")
            let result = try #require(job["result"] as? [String: Any])
            let videoURL = try #require(result["video_url"] as? String)
            let file = scratch.file("downloaded.mp4")
            try await client.execute(uri: videoURL, method: .get) { response in
                #expect(response.status == .ok)
                try Data(response.body.readableBytesView).write(to: URL(fileURLWithPath: file))
            }
            // 1.6 s + 1 s at 25 fps, less a 0.4 s fade: 40 + 25 - 10 frames.
            #expect(try Oracle.probe(file, countFrames: true).video?.nb_read_frames == "55")
        }
    }

    @Test func anImageWithoutDurationAndBadOverlaysAreRefusedWithFieldPaths() async throws {
        let server = try await TestServer.make(workers: 1)
        let scratch = try TemporaryDirectory()
        try await server.test(.router) { client in
            let picture = try await uploadPicture(client, in: scratch)
            let body = """
                {"clips": [{"source": "\(picture)", "motion_strength": 7}],
                 "overlays": [{"text": "", "size": 100000, "colour": "red"}]}
                """
            let refused = try await client.postJSON("/api/mv/merge_videos", body)
            #expect(refused.status == .unprocessableContent)
            let fields = (refused.body["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields == ["overlays[0].colour"], "unknown fields first: \(refused.body)")
            let fixed = body.replacingOccurrences(of: "colour", with: "color")
            let again = try await client.postJSON("/api/mv/merge_videos", fixed)
            #expect(again.status == .unprocessableContent)
            let problems = Set((again.body["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(problems.isSuperset(of: ["clips[0].motion_strength", "overlays[0].text", "overlays[0].size"]), "\(again.body)")
        }
    }

    @Test func theCommandLineRendersAnImageTimelineAndRefusesATruncatedPicture() throws {
        let directory = try TemporaryDirectory()
        let picture = directory.file("picture.jpg")
        let run = try ProcessRunner.run(
            "ffmpeg", ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=480x270", "-frames:v", "1", "-y", picture])
        #expect(run.status == 0, "\(run.stderr)")
        let timeline = directory.file("timeline.json")
        try Data(
            #"{"clips": [{"source": "picture.jpg", "duration": 2, "motion": "pan_right"}], "overlays": [{"text": "hi", "end": 1}], "output": {"fps": 24}}"#
                .utf8
        ).write(to: URL(fileURLWithPath: timeline))
        let output = directory.file("out.mp4")
        let render = try ProcessRunner.run(Paths.mergeServer, ["render", "--timeline", timeline, "-o", output])
        #expect(render.status == 0, "\(render.stderr)")
        let probe = try Oracle.probe(output, countFrames: true)
        #expect(probe.video?.nb_read_frames == "48")
        #expect(probe.video?.width == 480 && probe.video?.height == 270)

        // A PNG cut short (a JPEG decoder draws what it has; PNG's inflate fails).
        let png = directory.file("picture.png")
        let made = try ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-i", picture, "-y", png])
        #expect(made.status == 0, "\(made.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        try bytes.prefix(bytes.count / 4).write(to: URL(fileURLWithPath: png))
        let broken = directory.file("broken.mp4")
        let brokenTimeline = directory.file("broken.json")
        try Data(#"{"clips": [{"source": "picture.png", "duration": 1}]}"#.utf8).write(to: URL(fileURLWithPath: brokenTimeline))
        let failed = try ProcessRunner.run(Paths.mergeServer, ["render", "--timeline", brokenTimeline, "-o", broken])
        #expect(failed.status != 0)
        #expect(failed.stderr.hasPrefix("error:") && failed.stderr.contains("picture.png"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: broken))
    }
}
