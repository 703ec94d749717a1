import Foundation
import TestSupport
import Testing

@testable import MergeServer

/// An API node (`serve --workers 0`) and `merge-server worker` processes sharing a
/// PostgreSQL store and a data directory, as separate processes: a job submitted to the
/// API is run by a worker, and a worker killed mid-render loses nothing — another worker
/// takes the job when its lease runs out, and there is one output.
@Suite(.serialized) struct LiveClusterTests {
    @Test func aWorkerKilledMidRenderIsReplacedAndTheJobEndsOnce() async throws {
        let data = try TemporaryDirectory()
        let database = try await TestPostgres.shared.freshDatabaseURL()
        let lease = ["MERGE_SERVER_LEASE_SECONDS": "3"]
        let api = try ServerProcess(dataDirectory: data.path, environment: lease, workers: 0, database: database)
        defer { api.stop() }
        var first: WorkerProcess? = try WorkerProcess(dataDirectory: data.path, database: database, environment: lease)
        defer { first?.stop() }

        let clip = try api.upload("clip_1280x720_30.mp4")
        let timeline =
            "{\"clips\": [\(Array(repeating: "{\"source\": \"\(clip)\"}", count: 12).joined(separator: ","))], \"transition\": {\"type\": \"fade\", \"duration\": 0.3}}"
        let job = try #require(
            try api.json(["-X", "POST", "-H", "Content-Type: application/json", "-d", timeline], "/api/mv/merge_videos")["job_id"] as? String)
        // The API node runs nothing: the job runs only because the worker took it.
        _ = try api.waitFor(job, where: { ($0["status"] as? String) == "running" && ($0["progress"] as? Double ?? 0) > 0.05 })

        first?.kill()
        first = nil
        let killed = Date()
        let second = try WorkerProcess(dataDirectory: data.path, database: database, environment: lease)
        defer { second.stop() }
        _ = try api.waitFor(job, where: { ($0["attempts"] as? Int ?? 0) >= 2 })
        let takenOver = Date().timeIntervalSince(killed)
        #expect(takenOver < 25, "taken over \(takenOver) s after the kill")
        let finished = try api.waitFor(job, where: { ["succeeded", "failed", "canceled"].contains($0["status"] as? String ?? "") })
        #expect(finished["status"] as? String == "succeeded", "\(finished)")
        #expect(finished["attempts"] as? Int == 2, "the killed attempt and the one that finished")

        let videos = data.path + "/videos"
        let files = try FileManager.default.contentsOfDirectory(atPath: videos)
        #expect(files.filter { $0.hasSuffix(".mp4") }.count == 1, "one output: \(files)")
        let listed = try api.json([], "/api/jobs")["jobs"] as? [[String: Any]]
        #expect(listed?.count == 1, "no duplicate job")
        let url = try #require((finished["result"] as? [String: Any])?["video_url"] as? String)
        let whole = data.path + "/whole.mp4"
        _ = try api.curl(["-o", whole], url)
        let probe = try Oracle.probe(whole)
        let clipDuration = try #require(try Oracle.probe(Paths.fixture("clip_1280x720_30.mp4")).format.duration.flatMap(Double.init))
        #expect(abs((probe.format.duration.flatMap(Double.init) ?? 0) - (12 * clipDuration - 11 * 0.3)) < 0.1)
    }
}

extension LiveClusterTests {
    /// An API node runs nothing, yet a client following the job's events there sees the
    /// worker's progress and the end, and `/health` lists the worker while it lives.
    @Test func eventsAndPresenceReachTheAPINodeFromAWorkerProcess() async throws {
        let data = try TemporaryDirectory()
        let database = try await TestPostgres.shared.freshDatabaseURL()
        let api = try ServerProcess(dataDirectory: data.path, workers: 0, database: database)
        defer { api.stop() }
        let worker = try WorkerProcess(dataDirectory: data.path, database: database)
        defer { worker.stop() }

        // The worker's first beat follows its start-up line.
        let seen = try Self.workersSeen(api, until: { !$0.isEmpty })
        #expect(seen.count == 1, "\(seen)")
        #expect(seen.first?["kinds"] as? [String] == ["render", "generate"])
        #expect(seen.first?["concurrency"] as? Int ?? 0 >= 1)

        let clip = try api.upload("clip_1280x720_30.mp4")
        let timeline =
            "{\"clips\": [\(Array(repeating: "{\"source\": \"\(clip)\"}", count: 12).joined(separator: ","))], \"transition\": {\"type\": \"fade\", \"duration\": 0.3}}"
        let job = try #require(
            try api.json(["-X", "POST", "-H", "Content-Type: application/json", "-d", timeline], "/api/mv/merge_videos")["job_id"] as? String)
        // The stream ends after the job's `done`; everything in it came through the store.
        let stream = try api.curl(["-N", "--max-time", "90"], "/api/jobs/\(job)/events")
        let names = stream.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { $0.dropFirst(7) }
        #expect(names.filter { $0 == "progress" }.count >= 2, "progress from the worker: \(names)")
        #expect(names.last == "done", "\(names)")
        let done = try #require(stream.components(separatedBy: "event: done\n").last)
        #expect(done.contains("\"succeeded\""), "\(done)")

        worker.stop()
        #expect(try Self.workersSeen(api).isEmpty, "a worker that stopped cleanly leaves the list")
    }

    /// 1,000 jobs queued at once on PostgreSQL, two worker processes competing for them:
    /// every job runs exactly once (one `job started` line across both logs, attempts 1)
    /// and both workers take a share.
    @Test func aThousandJobsAcrossTwoWorkerProcessesRunOnceEach() async throws {
        let data = try TemporaryDirectory()
        let url = try await TestPostgres.shared.freshDatabaseURL()
        let api = try ServerProcess(dataDirectory: data.path, workers: 0, database: url)
        let audio = try api.upload("audio_only.mp4", type: "audio/mp4")
        api.stop()
        // The onset tracker alone: the queue is under test here, not the beat network.
        let info = ["MERGE_SERVER_LOG_LEVEL": "info", "MERGE_BEATS_ACTIVATION": "dsp"]
        let logs = [data.path + "/worker-a.log", data.path + "/worker-b.log"]
        // Niced: two workers busy for a minute would otherwise starve the live-server suites
        // running beside this one, whose test client gives up on an answer after 20 s.
        let workers = try logs.map { try WorkerProcess(dataDirectory: data.path, database: url, environment: info, log: $0, niceness: 10) }
        defer { for worker in workers { worker.stop() } }

        let database = try Database(url: url)
        let jobs = JobRepository(database: database)
        var ids: Set<String> = []
        for _ in 0..<1000 {
            let outcome = try await jobs.enqueue(
                kind: JobKind.analyzeAudio.rawValue, request: "{\"audio\": \"\(audio)\"}", idempotencyKey: nil, maxAttempts: 3)
            ids.insert(outcome.job.id)
        }
        let deadline = Date().addingTimeInterval(300)
        var counts: [JobStatus: Int] = [:]
        while Date() < deadline {
            counts = try await jobs.countsByStatus()
            if (counts[.queued] ?? 0) + (counts[.running] ?? 0) == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(counts[.succeeded] == 1000, "\(counts)")
        let attempts = try database.read { db in try db.fetchValues(Int.self, "SELECT attempts FROM jobs") }
        #expect(attempts.count == 1000 && attempts.allSatisfy { $0 == 1 }, "attempts other than 1: \(attempts.filter { $0 != 1 })")

        for worker in workers { worker.stop() }
        var started: [[String]] = []
        for log in logs {
            let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { $0.contains("job started") }
            started.append(
                lines.compactMap { line in
                    line.split(separator: " ").first { $0.hasPrefix("job_id=") }.map { String($0.dropFirst(7)) }
                })
        }
        let all = started.flatMap { $0 }
        #expect(all.count == 1000, "starts logged: \(started.map(\.count))")
        #expect(Set(all) == ids, "every job started once, by one worker")
        #expect(started.allSatisfy { $0.count >= 100 }, "both workers took a share: \(started.map(\.count))")
    }

    /// `workers.seen` of the API node's `/health`, once `condition` holds of it (or after 10 s).
    static func workersSeen(_ api: ServerProcess, until condition: ([[String: Any]]) -> Bool = { _ in true }) throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(10)
        while true {
            let health = try api.json([], "/health")
            let seen = try #require((health["workers"] as? [String: Any])?["seen"] as? [[String: Any]], "\(health)")
            if condition(seen) || Date() > deadline { return seen }
            usleep(100_000)
        }
    }
}

/// A `merge-server worker` child process; ready once it prints its line.
final class WorkerProcess {
    let process = Process()

    /// `log`: a file for the worker's stderr (else the test's own); `arguments` are added to its command line.
    /// `niceness`: run under `nice -n` (it execs, so the pid is the worker's), for a worker that
    /// would otherwise take the cores from the suites running beside it.
    init(
        dataDirectory: String, database: String, environment extra: [String: String] = [:], kinds: String = "render,generate",
        log: String? = nil, arguments: [String] = [], niceness: Int = 0
    ) throws {
        let command =
            [Paths.mergeServer, "worker", "--data-dir", dataDirectory, "--database", database, "--concurrency", "1", "--kinds", kinds]
            + arguments
        process.executableURL = URL(fileURLWithPath: niceness == 0 ? Paths.mergeServer : "/usr/bin/nice")
        process.arguments = niceness == 0 ? Array(command.dropFirst()) : ["-n", "\(niceness)"] + command
        var environment = ProcessInfo.processInfo.environment
        environment["MERGE_SERVER_LOG_LEVEL"] = "warning"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        if let log {
            FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        } else {
            process.standardError = FileHandle.standardError
        }
        try process.run()
        var line = Data()
        let deadline = Date().addingTimeInterval(30)
        while !line.contains(UInt8(ascii: "\n")) && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard String(decoding: line, as: UTF8.self).contains("merge-server worker running") else {
            process.terminate()
            throw TestFailure("the worker did not start: \(String(decoding: line, as: UTF8.self))")
        }
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
