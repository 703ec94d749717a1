import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Media
import MergeServer
import NIOCore
import TestSupport
import Testing

/// Jobs run by the engine: real renders decoded with ffprobe, events, cancel, and the
/// queue's guarantees (retries, leases, shutdown checkpoints).
@Suite struct JobExecutionTests {
    @Test(arguments: StoreEngine.allCases) func mergeJobRendersTheTimelineAndServesTheVideo(store: StoreEngine) async throws {
        let server = try await TestServer.make(workers: 1, store: store)
        try await server.test(.live) { client in
            let a = try await client.uploadID("clip_640x480_25.mp4")
            let b = try await client.uploadID("clip_1280x720_30.mp4")
            let body = timelineJSON(
                clips: [a, b],
                extra: "\"transition\": {\"type\": \"fade\", \"duration\": 0.5}, \"output\": {\"width\": 640, \"height\": 360, \"fps\": 25}")
            let accepted = try await client.postJSON("/api/mv/merge_videos", body)
            #expect(accepted.status == .accepted)
            let id = try #require(accepted.body["job_id"] as? String)

            let job = try await client.waitForJob(id)
            #expect(job["status"] as? String == "succeeded", "\(job)")
            #expect(job["progress"] as? Double == 1)
            let result = try #require(job["result"] as? [String: Any])
            let videoURL = try #require(result["video_url"] as? String)
            let info = try #require(result["info"] as? [String: Any])
            let clipA = try #require(try Oracle.probe(Paths.fixture("clip_640x480_25.mp4")).format.duration.flatMap(Double.init))
            let clipB = try #require(try Oracle.probe(Paths.fixture("clip_1280x720_30.mp4")).format.duration.flatMap(Double.init))
            let expected = clipA + clipB - 0.5
            #expect(abs((info["duration"] as? Double ?? 0) - expected) <= 0.08)

            // The served bytes are the video: decode them with ffprobe.
            let file = server.directory.path + "/downloaded.mp4"
            try await client.execute(uri: videoURL, method: .get) { response in
                #expect(response.status == .ok)
                try Data(response.body.readableBytesView).write(to: URL(fileURLWithPath: file))
            }
            let probe = try Oracle.probe(file, countFrames: true)
            #expect(probe.video?.width == 640 && probe.video?.height == 360)
            let duration = try #require(probe.format.duration.flatMap(Double.init))
            #expect(abs(duration - expected) <= 0.08)
            #expect(probe.audio?.codec_name == "aac")

            let videoInfo = try await client.getJSON(videoURL + "/info")
            #expect(videoInfo.status == .ok)
            #expect(videoInfo.body["job_id"] as? String == id)
            #expect((videoInfo.body["timeline"] as? [String: Any])?["clips"] != nil)
            #expect((videoInfo.body["cuts"] as? [Double])?.count == 1)

            // The event stream of a finished job: its state, then `done` (last: the server closes the connection after it).
            let events = try await client.execute(uri: "/api/jobs/\(id)/events", method: .get) { response in
                #expect(response.headers[.contentType] == "text/event-stream")
                return String(buffer: response.body)
            }
            let names = events.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { $0.dropFirst(7) }
            #expect(names.first == "status" && names.last == "done", "\(names)")

            // Finished: no temporary file beside the one video.
            #expect(try FileManager.default.contentsOfDirectory(atPath: server.videosDirectory).count == 1)
        }
    }

    @Test func analyzeAudioFindsTheTempoAndPlansScenes() async throws {
        let server = try await TestServer.make(workers: 1)
        try await server.test(.router) { client in
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            let accepted = try await client.postJSON("/api/mv/analyze_audio", "{\"audio\": \"\(song)\", \"scene_durations\": [2, 4]}")
            let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "")
            let result = try #require(job["result"] as? [String: Any], "\(job)")
            #expect(abs((result["tempo"] as? Double ?? 0) - 120) < 2)
            #expect((result["beats"] as? [Double])?.count ?? 0 > 20)
            let scenes = try #require(result["scenes"] as? [[String: Any]])
            #expect(!scenes.isEmpty)
            for scene in scenes {
                let generate = scene["generate_duration"] as? Double ?? 0
                #expect([2, 4].contains(generate))
                #expect((scene["duration"] as? Double ?? 99) <= generate + 1e-6)
            }
        }
    }

    @Test func cancelStopsARunningRenderAndLeavesNoFile() async throws {
        let server = try await TestServer.make(workers: 1)
        try await server.test(.router) { client in
            let clip = try await client.uploadID("clip_1280x720_30.mp4")
            // A long render: the clip 40 times at 1280x720.
            let body = timelineJSON(clips: Array(repeating: clip, count: 40), extra: "\"transition\": {\"type\": \"dissolve\", \"duration\": 0.5}")
            let id = try #require(try await client.postJSON("/api/mv/merge_videos", body).body["job_id"] as? String)
            var running = false
            for _ in 0..<600 where !running {
                let job = try await client.getJSON("/api/jobs/\(id)").body
                running = job["status"] as? String == "running" && (job["progress"] as? Double ?? 0) > 0
                if !running { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(running)
            let answer = try await client.execute(uri: "/api/jobs/\(id)", method: .delete) { ($0.status, try jsonObject($0.body)) }
            #expect(answer.0 == .ok || answer.0 == .accepted, "200 once stopped, 202 while stopping")
            // No timing assertion: the render stops on its own thread, then the job is recorded.
            let canceled = try await client.waitForJob(id)
            #expect(canceled["status"] as? String == "canceled", "\(canceled)")
            #expect((canceled["error"] as? [String: Any])?["type"] as? String == "canceled")
            #expect(try FileManager.default.contentsOfDirectory(atPath: server.videosDirectory).isEmpty, "no output, no temporary file")
            try await client.execute(uri: "/api/jobs/\(id)", method: .delete) { #expect($0.status == .ok, "canceling again is harmless") }
        }
    }

    @Test(arguments: StoreEngine.allCases) func transientFailuresAreRetriedAndPermanentOnesFail(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let jobs = try await JobRepository(database: store.open(in: directory))
        let engine = flakyEngine(jobs) { $0.retryBaseSeconds = 0.05 }
        let flaky = try await jobs.enqueue(kind: "merge_videos", request: "{\"fail_times\": 2}", idempotencyKey: nil, maxAttempts: 3).job
        let broken = try await jobs.enqueue(kind: "merge_videos", request: "{\"permanent\": true}", idempotencyKey: nil, maxAttempts: 3).job
        let exhausted = try await jobs.enqueue(kind: "merge_videos", request: "{\"fail_times\": 5}", idempotencyKey: nil, maxAttempts: 2).job
        let run = Task { try await engine.run() }
        let ended = try await waitUntilEnded([flaky.id, broken.id, exhausted.id], jobs: jobs)
        engine.stop()
        try await run.value

        #expect(ended[flaky.id]?.status == .succeeded && ended[flaky.id]?.attempts == 3)
        #expect(ended[broken.id]?.status == .failed && ended[broken.id]?.attempts == 1)
        #expect(ended[broken.id]?.failure?.type == "validation_error")
        #expect(ended[exhausted.id]?.status == .failed && ended[exhausted.id]?.attempts == 2)
        #expect(ended[exhausted.id]?.failure?.suggestion != nil)
    }

    @Test(arguments: StoreEngine.allCases) func shutdownCheckpointsARunningJobAndALostLeaseIsTakenOver(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let jobs = try await JobRepository(database: store.open(in: directory))
        let slow = try await jobs.enqueue(kind: "merge_videos", request: "{\"sleep\": 30}", idempotencyKey: nil, maxAttempts: 3).job

        // A worker that dies: it claims the job and never renews the lease.
        let dead = try #require(try await jobs.claim(owner: "dead-worker", leaseSeconds: 0.3))
        #expect(dead.id == slow.id && dead.attempts == 1)

        let engine = flakyEngine(jobs) {
            $0.leaseSeconds = 0.5
            $0.heartbeatSeconds = 0.1
        }
        let run = Task { try await engine.run() }
        var taken: JobRecord?
        for _ in 0..<100 {
            taken = try await jobs.find(slow.id)
            if taken?.leaseOwner == engine.owner { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(taken?.leaseOwner == engine.owner && taken?.attempts == 2, "the expired lease was taken over")
        // The dead worker can no longer write the job.
        await #expect(throws: LeaseLost.self) { try await jobs.succeed(dead.attempt, result: "{}", video: nil, retention: 60) }

        engine.stop()
        try await run.value
        let checkpointed = try #require(try await jobs.find(slow.id))
        #expect(checkpointed.status == .queued, "a graceful stop puts the job back")
        #expect(checkpointed.attempts == 1, "the interrupted attempt is given back")
        #expect(checkpointed.leaseOwner == nil)
    }

    @Test(arguments: StoreEngine.allCases) func jobsWaitingOnProvidersNeverHoldTheRenderWorker(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let jobs = try await JobRepository(database: store.open(in: directory))
        var settings = JobEngineSettings()
        settings.workers = 1
        settings.generationWorkers = 1
        settings.pollSeconds = 0.05
        let upstream = FlakyUpstreamHandler()
        let engine = JobEngine(
            jobs: jobs, events: JobEventHub(), handlers: [FlakyHandler(), upstream],
            settings: settings, logger: TestServer.logger)
        // Two long generations queued before a render: one runs on the generation worker, one waits for it.
        let generations = [
            try await jobs.enqueue(kind: "generate_video", request: "{\"sleep\": 60}", idempotencyKey: nil, maxAttempts: 3).job,
            try await jobs.enqueue(kind: "generate_video", request: "{\"sleep\": 60}", idempotencyKey: nil, maxAttempts: 3).job,
        ]
        let render = try await jobs.enqueue(kind: "merge_videos", request: "{}", idempotencyKey: nil, maxAttempts: 3).job
        let run = Task { try await engine.run() }
        do {
            let ended = try await waitUntilEnded([render.id], jobs: jobs)
            #expect(ended[render.id]?.status == .succeeded, "the render ran while generations waited upstream")
            var statuses: [JobStatus] = []
            for _ in 0..<200 {  // the generation worker claims on its own clock
                statuses = []
                for job in generations { statuses.append(try #require(try await jobs.find(job.id)).status) }
                if statuses.contains(.running) { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(statuses.sorted { $0.rawValue < $1.rawValue } == [.queued, .running], "one generation worker: \(statuses)")
        } catch {
            engine.stop()  // the 60 s jobs must not outlive the test
            try? await run.value
            throw error
        }
        engine.stop()
        try await run.value
    }

    /// One worker running `FlakyHandler` jobs, polling fast.
    private func flakyEngine(_ jobs: JobRepository, _ configure: (inout JobEngineSettings) -> Void) -> JobEngine {
        var settings = JobEngineSettings()
        settings.workers = 1
        settings.pollSeconds = 0.05
        configure(&settings)
        return JobEngine(jobs: jobs, events: JobEventHub(), handlers: [FlakyHandler()], settings: settings, logger: TestServer.logger)
    }

    private func waitUntilEnded(_ ids: [String], jobs: JobRepository) async throws -> [String: JobRecord] {
        for _ in 0..<400 {
            var ended: [String: JobRecord] = [:]
            for id in ids { if let job = try await jobs.find(id), job.status.isFinal { ended[id] = job } }
            if ended.count == ids.count { return ended }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("jobs did not end")
    }
}

/// A handler for engine tests, in the place of `merge_videos` (a render worker's kind):
/// fails transiently `fail_times` times, fails for good when `permanent`, or sleeps
/// (cancellably) for `sleep` seconds.
struct FlakyHandler: JobHandler {
    static let kind = JobKind.mergeVideos

    struct Request: Decodable, Sendable {
        var fail_times: Int?
        var permanent: Bool?
        var sleep: Double?
    }

    func run(_ request: Request, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        if let seconds = request.sleep { try await Task.sleep(for: .seconds(seconds)) }
        if request.permanent == true { throw JobFailure(type: "validation_error", message: "bad request") }
        if job.attempts <= request.fail_times ?? 0 {
            throw JobFailure(type: "upstream_unavailable", message: "try later", suggestion: "wait", transient: true)
        }
        return JobOutput(result: "{\"attempt\": \(job.attempts)}")
    }
}

/// `FlakyHandler` in the place of `generate_video`, a kind that waits on providers.
struct FlakyUpstreamHandler: JobHandler {
    static let kind = JobKind.generateVideo

    func run(_ request: FlakyHandler.Request, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        try await FlakyHandler().run(request, job: job, progress: progress)
    }
}
