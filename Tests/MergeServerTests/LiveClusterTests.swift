import Foundation
import TestSupport
import Testing

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

/// A `merge-server worker` child process; ready once it prints its line.
final class WorkerProcess {
    let process = Process()

    /// `log`: a file for the worker's stderr (else the test's own); `arguments` are added to its command line.
    init(
        dataDirectory: String, database: String, environment extra: [String: String] = [:], kinds: String = "render,generate",
        log: String? = nil, arguments: [String] = []
    ) throws {
        process.executableURL = URL(fileURLWithPath: Paths.mergeServer)
        process.arguments =
            ["worker", "--data-dir", dataDirectory, "--database", database, "--concurrency", "1", "--kinds", kinds] + arguments
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
