import Foundation
import HummingbirdTesting
import Media
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// `merge_videos` over the chunk threshold: rendered as `render_chunk` child jobs by the
/// engine's workers, joined by stream copy; the one-pass render of the same timeline is
/// the reference and ffmpeg/ffprobe the oracle.
// One test at a time: each renders with two workers plus a reference, and the whole run
// shares two cores with live-server tests whose client gives up after 20 s.
@Suite(.serialized) struct ChunkedJobTests {
    /// Five clips of 2 s (a fade among cuts), the song under them ducked and normalized.
    static let clips = ["clip_640x480_25.mp4", "clip_1280x720_30.mp4", "clip_854x480_2997.mov", "clip_640x480_25.mp4", "clip_1280x720_30.mp4"]

    static func timelineJSON(clips: [String], song: String, width: Int = 480, height: Int = 270) -> String {
        let list = clips.map { "{\"source\": \"\($0)\"}" }.joined(separator: ", ")
        let joins = (0..<(clips.count - 1)).map { $0 == 1 ? "{\"type\": \"fade\", \"duration\": 0.4}" : "{\"type\": \"cut\"}" }
        return """
            {"clips": [\(list)], "transitions": [\(joins.joined(separator: ", "))],
             "audio": {"source": "\(song)", "fade_in": 0.5, "fade_out": 1, "clip_audio": "duck", "loudness": -14},
             "output": {"width": \(width), "height": \(height), "fps": 25}}
            """
    }

    static func server(workers: Int, store: StoreEngine = .sqlite, directory: TemporaryDirectory? = nil) async throws -> TestServer {
        try await TestServer.make(workers: workers, directory: directory, store: store) { $0.chunkSeconds = 2.5 }
    }

    /// A server on the store `earlier` opened (its data directory and database): the
    /// tests below stop one node and start another on the same queue.
    static func server(
        workers: Int, after earlier: TestServer, _ configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        try await TestServer.make(workers: workers, directory: earlier.directory) {
            $0.chunkSeconds = 2.5
            $0.database = earlier.dependencies.configuration.database
            configure(&$0)
        }
    }

    /// Uploads the clips and the song, submits the timeline; returns the job id.
    static func submit(_ client: any TestClientProtocol, clips: [String] = clips, width: Int = 480, height: Int = 270) async throws -> String {
        var ids: [String] = []
        for clip in clips { ids.append(try await client.uploadID(clip, contentType: clip.hasSuffix(".mov") ? "video/quicktime" : "video/mp4")) }
        let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
        let accepted = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: ids, song: song, width: width, height: height))
        guard accepted.status == .accepted, let id = accepted.body["job_id"] as? String else {
            throw TestFailure("merge_videos answered \(accepted.status): \(accepted.body)")
        }
        return id
    }

    @Test(arguments: StoreEngine.allCases) func aLongMergeRendersAsChildJobsAndEqualsTheOnePassRender(store: StoreEngine) async throws {
        let server = try await Self.server(workers: 2, store: store)
        let id = try await server.test(.router) { client in
            let id = try await Self.submit(client)
            let job = try await client.waitForJob(id)
            #expect(job["status"] as? String == "succeeded", "\(job)")
            #expect(job["parent_id"] is NSNull)
            // The parts are listed under their parent only.
            let listed = try await client.getJSON("/api/jobs").body["jobs"] as? [[String: Any]] ?? []
            #expect(listed.map { $0["id"] as? String } == [id], "\(listed.map { $0["kind"] ?? "" })")
            let parts = try await client.getJSON("/api/jobs?parent_id=\(id)&limit=200").body["jobs"] as? [[String: Any]] ?? []
            #expect(parts.allSatisfy { $0["parent_id"] as? String == id && $0["kind"] as? String == "render_chunk" })
            let chunks = try #require((job["result"] as? [String: Any])?["chunks"] as? [[String: Any]], "\(job)")
            #expect(parts.count == chunks.count + 1, "one part per chunk and one for the sound")
            return id
        }
        let job = try #require(try await server.dependencies.jobs.find(id))
        let result = try JSONDecoder().decode(ChunkedResult.self, from: Data((job.result ?? "").utf8))
        let children = try await server.dependencies.jobs.children(of: id)

        #expect(result.chunks.count >= 3, "\(result.chunks)")
        #expect(result.chunks.map(\.index) == Array(result.chunks.indices))
        #expect(Set(result.chunks.dropFirst().map(\.seam)).isSubset(of: ["cut", "keyframe"]) && result.chunks.first?.seam == "start")
        #expect(result.chunks.reduce(0) { $0 + $1.frames } == result.info.frames)
        // Every part ran once and succeeded; each chunk names the job that rendered it.
        #expect(children.count == result.chunks.count + 1)
        for child in children {
            #expect(child.status == .succeeded && child.attempts == 1, "\(child.id): \(child.status) after \(child.attempts)")
            #expect(child.parentID == id && child.ownerKeyID == job.ownerKeyID)
        }
        #expect(Set(result.chunks.map(\.jobID)).isSubset(of: Set(children.map(\.id))))
        #expect(!FileManager.default.fileExists(atPath: server.directory.path + "/chunks/" + id), "the parts' files are removed")

        try Self.expectEqualsOnePassRender(try await server.videoFile(result.videoID), result: result, scratch: server.directory.path)
    }

    /// `output` (the chunked render of `clips` and the song, as `submit` makes it) against
    /// the one-pass render of the same timeline by Media from the fixtures: the same frame
    /// count and duration, frames on both sides of every seam within encoder noise, and
    /// the sound rendered once, sample for sample.
    static func expectEqualsOnePassRender(_ output: String, result: ChunkedResult, scratch: String) throws {
        let reference = scratch + "/one-pass.mp4"
        let timeline = try JSONDecoder().decode(
            Timeline.self, from: Data(Self.timelineJSON(clips: Self.clips.map(Paths.fixture), song: Paths.fixture("song_120bpm.m4a")).utf8))
        let plan = try TimelinePlanner.plan(timeline, outputPath: reference)
        _ = try TimelineRenderer.render(plan, to: reference)
        #expect(result.info.frames == plan.totalFrames)

        let ours = try Oracle.probe(output, countFrames: true)
        let theirs = try Oracle.probe(reference, countFrames: true)
        #expect(ours.video?.nb_read_frames == String(plan.totalFrames) && theirs.video?.nb_read_frames == String(plan.totalFrames))
        let durations = (Double(ours.format.duration ?? "") ?? .nan, Double(theirs.format.duration ?? "") ?? .nan)
        #expect(abs(durations.0 - durations.1) <= 1.0 / 25 + 1e-6, "\(durations)")
        #expect(ours.video?.codec_name == theirs.video?.codec_name && ours.video?.profile == theirs.video?.profile)
        // Frames on both sides of every seam within encoder noise of the one-pass render's.
        let psnr = try Oracle.framePSNR(output, reference, scratch: scratch + "/psnr.log")
        #expect(psnr.count == Int(plan.totalFrames))
        for (chunk, seam) in zip(
            result.chunks.dropFirst(), result.chunks.dropLast().reduce(into: [Int]()) { $0.append(($0.last ?? 0) + Int($1.frames)) })
        {
            #expect(abs(chunk.start - Double(seam) / 25) < 0.001)
            for frame in (seam - 2)...(seam + 1) where psnr.indices.contains(frame) {
                #expect(psnr[frame] >= 40, "frame \(frame) at the seam of chunk \(chunk.index): PSNR \(psnr[frame]) dB")
            }
        }
        // The sound was rendered once: the one-pass render's, sample for sample.
        let sound = (try Oracle.decodedAudio(output), try Oracle.decodedAudio(reference))
        #expect(sound.0.count == sound.1.count && sound.0 == sound.1, "the decoded sound differs from the one-pass render's")
    }

    @Test(arguments: StoreEngine.allCases) func cancelingTheParentCancelsItsChildrenAndLeavesNoOutput(store: StoreEngine) async throws {
        let server = try await Self.server(workers: 2, store: store)
        try await server.test(.router) { client in
            let id = try await Self.submit(client, clips: Self.clips + Self.clips, width: 1280, height: 720)
            // Cancel once the render is under way: a part has succeeded, others are to come.
            try await Self.waitUntil(timeout: .seconds(300)) {
                let parts = try await server.dependencies.jobs.children(of: id)
                return parts.contains { $0.status == .succeeded }
            }
            let answer = try await client.execute(uri: "/api/jobs/\(id)", method: .delete) { $0.status }
            #expect(answer == .ok || answer == .accepted)
            let job = try await client.waitForJob(id)
            #expect(job["status"] as? String == "canceled", "\(job)")
            // Every part ends: none left queued or running, and some were canceled.
            try await Self.waitUntil(timeout: .seconds(60)) {
                try await server.dependencies.jobs.children(of: id).allSatisfy { $0.status.isFinal }
            }
            let parts = try await server.dependencies.jobs.children(of: id)
            #expect(parts.contains { $0.status == .canceled }, "\(parts.map(\.status))")
            #expect(!parts.contains { $0.status == .failed }, "\(parts.map { $0.failure?.message ?? "" })")
            #expect(try FileManager.default.contentsOfDirectory(atPath: server.videosDirectory).isEmpty, "no output, no temporary file")
            // The parts' folder goes once they have all stopped.
            try await Self.waitUntil(timeout: .seconds(60)) { !FileManager.default.fileExists(atPath: server.directory.path + "/chunks/" + id) }
        }
    }

    @Test(arguments: StoreEngine.allCases) func aParentRunAgainReusesThePartsThatSucceeded(store: StoreEngine) async throws {
        // Submitted to an accept-only node; a worker starts it and is stopped mid-render.
        let accepting = try await Self.server(workers: 0, store: store)
        let id = try await accepting.test(.router) { client in
            try await Self.submit(client, clips: Self.clips + Self.clips, width: 1280, height: 720)
        }
        let first = try await Self.server(workers: 1, after: accepting)
        let jobs = first.dependencies.jobs
        let run = Task { try await first.dependencies.engine.run() }
        try await Self.waitUntil(timeout: .seconds(300)) {
            try await jobs.children(of: id).filter { $0.status == .succeeded }.count >= 2
        }
        first.dependencies.engine.stop()
        try await run.value
        let parent = try #require(try await jobs.find(id))
        #expect(parent.status == .queued && parent.attempts == 0, "the interrupted attempt is handed back: \(parent.status), \(parent.attempts)")
        let before = try await jobs.children(of: id)
        let done = before.filter { $0.status == .succeeded }
        #expect(done.count >= 2 && done.count < before.count, "\(before.map(\.status))")
        #expect(
            !before.contains { $0.status == .running },
            "a graceful stop hands every part back: \(before.map { "\($0.status) \($0.attempts) \($0.leaseOwner ?? "-")" })")

        // Another worker takes the job again: the parent makes no new parts and reruns none that succeeded.
        let second = try await Self.server(workers: 2, after: accepting)
        let rerun = Task { try await second.dependencies.engine.run() }
        try await Self.waitUntil(timeout: .seconds(300)) { try await second.dependencies.jobs.find(id)?.status.isFinal == true }
        second.dependencies.engine.stop()
        try await rerun.value
        let finished = try #require(try await second.dependencies.jobs.find(id))
        #expect(finished.status == .succeeded, "\(finished.error ?? "")")
        let after = try await second.dependencies.jobs.children(of: id)
        #expect(Set(after.map(\.id)) == Set(before.map(\.id)), "the same parts, none duplicated")
        for part in done {
            let now = try #require(after.first { $0.id == part.id })
            #expect(now.attempts == 1 && now.finishedAt == part.finishedAt, "part \(part.id) ran again")
        }
        #expect(after.allSatisfy { $0.status == .succeeded })
        let result = try JSONDecoder().decode(ChunkedResult.self, from: Data((finished.result ?? "").utf8))
        #expect(result.chunks.count == before.count - 1)
        let probe = try Oracle.probe(try await second.videoFile(result.videoID), countFrames: true)
        #expect(probe.video?.nb_read_frames == String(result.info.frames))
    }

    @Test(arguments: StoreEngine.allCases) func aPartThatFailsForGoodFailsTheParentNamingIt(store: StoreEngine) async throws {
        let accepting = try await Self.server(workers: 0, store: store)
        let id = try await accepting.test(.router) { client in try await Self.submit(client) }
        // The plan a first run stored, with the third clip's file gone since.
        let timeline = try JSONDecoder().decode(
            Timeline.self, from: Data(Self.timelineJSON(clips: Self.clips.map(Paths.fixture), song: Paths.fixture("song_120bpm.m4a")).utf8))
        let plan = try ChunkPlanner.plan(try TimelinePlanner.plan(timeline, outputPath: "x.mp4"), chunkSeconds: 2.5)
        let broken = try plan.relocatingSources { $0.hasSuffix("clip_854x480_2997.mov") ? accepting.directory.path + "/gone.mov" : $0 }
        try await ChunkFolder(media: .local(accepting.directory.path), job: id).write(broken, sourceKeys: [:])

        let server = try await Self.server(workers: 2, after: accepting) { $0.engine.retryBaseSeconds = 0.05 }
        let run = Task { try await server.dependencies.engine.run() }
        try await Self.waitUntil(timeout: .seconds(300)) { try await server.dependencies.jobs.find(id)?.status.isFinal == true }
        server.dependencies.engine.stop()
        try await run.value
        let job = try #require(try await server.dependencies.jobs.find(id))
        #expect(job.status == .failed)
        let failure = try #require(job.failure)
        #expect(failure.message.contains("of the chunked render") && failure.message.contains("gone.mov"), "\(failure.message)")
        #expect(!failure.message.contains(accepting.directory.path), "no server paths in the message: \(failure.message)")
        let parts = try await server.dependencies.jobs.children(of: id)
        #expect(parts.contains { $0.status == .failed && $0.attempts >= 1 }, "\(parts.map(\.status))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.videosDirectory).isEmpty, "no output, no temporary file")
    }

    /// Polls `condition` until it holds; throws after `timeout` (a bound, not an assertion on speed).
    static func waitUntil(timeout: Duration, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("the condition did not hold within \(timeout)")
    }

    /// The parts of a merge result these tests read.
    struct ChunkedResult: Decodable {
        struct Info: Decodable { let frames: Int64 }
        struct Chunk: Decodable {
            let index: Int
            let start: Double
            let duration: Double
            let frames: Int64
            let seam: String
            let job_id: String
            var jobID: String { job_id }
        }
        let video_id: String
        let info: Info
        let chunks: [Chunk]
        var videoID: String { video_id }
    }
}
