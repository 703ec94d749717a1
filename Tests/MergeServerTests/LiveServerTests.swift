import Foundation
import TestSupport
import Testing

/// The real `merge-server serve` binary, driven with curl as a client would: upload,
/// merge with transitions and beat sync, follow the events, fetch ranges, cancel, and
/// survive a SIGKILL in the middle of a render.
@Suite(.serialized) struct LiveServerTests {
    @Test func uploadMergeFollowEventsAndFetchRanges() throws {
        let data = try TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: data.path)
        defer { server.stop() }
        let clips = try ["clip_640x480_25.mp4", "clip_1280x720_30.mp4", "clip_854x480_2997.mov"].map { try server.upload($0) }
        let song = try server.upload("song_120bpm.m4a", type: "audio/mp4")
        let timeline = """
            {"clips": [\(clips.map { "{\"source\": \"\($0)\"}" }.joined(separator: ","))],
             "transition": {"type": "fade", "duration": 0.4}, "timing": "preserve",
             "audio": {"source": "\(song)", "fade_out": 0.5}, "beat_sync": {"mode": "beat"},
             "output": {"width": 640, "height": 360, "fps": 25}}
            """
        let accepted = try server.json(["-X", "POST", "-H", "Content-Type: application/json", "-d", timeline], "/api/mv/merge_videos")
        let job = try #require(accepted["job_id"] as? String)

        // Follow the events until the server closes the stream.
        let stream = try server.curl(["-N", "--max-time", "120"], "/api/jobs/\(job)/events")
        let names = stream.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
        #expect(names.first == "status" && names.last == "done", "\(names)")
        #expect(names.contains("progress"))
        let ids = stream.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { UInt64($0.dropFirst(4)) }
        #expect(ids == ids.sorted() && Set(ids).count == ids.count, "event ids grow")

        let finished = try server.json([], "/api/jobs/\(job)")
        #expect(finished["status"] as? String == "succeeded", "\(finished)")
        let result = try #require(finished["result"] as? [String: Any])
        let url = try #require(result["video_url"] as? String)
        let cuts = try #require(result["cuts"] as? [Double])
        let beats = try #require(result["beats"] as? [Double])
        #expect(cuts.count == 2)
        for cut in cuts { #expect(beats.contains { abs($0 - cut) <= 0.5 / 25 + 1e-6 }, "cut \(cut) is on a beat") }

        let whole = data.path + "/whole.mp4"
        _ = try server.curl(["-o", whole], url)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
        let probe = try Oracle.probe(whole)
        #expect(probe.video?.width == 640)
        let reported = (result["info"] as? [String: Any])?["duration"] as? Double ?? -1
        #expect(abs((probe.format.duration.flatMap(Double.init) ?? 0) - reported) < 0.1)
        let part = data.path + "/part.bin"
        let headers = try server.curl(["-D", "-", "-o", part, "-H", "Range: bytes=100-1099"], url)
        #expect(headers.contains("206"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: part)) == bytes[100..<1100])
        let suffix = try server.curl(["-D", "-", "-o", part, "-H", "Range: bytes=-64"], url)
        #expect(suffix.contains("Content-Range: bytes \(bytes.count - 64)-\(bytes.count - 1)/\(bytes.count)"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: part)) == bytes.suffix(64))
        let beyond = try server.curl(["-D", "-", "-o", "/dev/null", "-H", "Range: bytes=\(bytes.count)-"], url)
        #expect(beyond.contains("416") && beyond.contains("bytes */\(bytes.count)"))
    }

    @Test func aKilledServerLosesNoJobAndRunsTheCrashedOneOnceOnRequest() throws {
        let data = try TemporaryDirectory()
        var server = try ServerProcess(dataDirectory: data.path)
        let clip = try server.upload("clip_1280x720_30.mp4")
        let timeline =
            "{\"clips\": [\(Array(repeating: "{\"source\": \"\(clip)\"}", count: 12).joined(separator: ","))], \"transition\": {\"type\": \"fade\", \"duration\": 0.3}}"
        let job = try #require(
            try server.json(["-X", "POST", "-H", "Content-Type: application/json", "-d", timeline], "/api/mv/merge_videos")["job_id"] as? String)
        _ = try server.waitFor(job, where: { ($0["status"] as? String) == "running" && ($0["progress"] as? Double ?? 0) > 0.05 })

        server.kill()
        let videos = data.path + "/videos"
        server = try ServerProcess(dataDirectory: data.path)
        defer { server.stop() }
        // It ran alone when the process died: quarantined, not re-run blindly (it may be what killed it).
        let crashed = try server.waitFor(job, where: { ["succeeded", "failed", "canceled"].contains($0["status"] as? String ?? "") })
        #expect(crashed["status"] as? String == "failed" && (crashed["error"] as? [String: Any])?["type"] as? String == "crashed", "\(crashed)")
        #expect(try server.json(["-X", "POST", "-H", "Content-Type: application/json"], "/api/jobs/\(job)/retry")["status"] as? String == "queued")
        let finished = try server.waitFor(job, where: { ["succeeded", "failed", "canceled"].contains($0["status"] as? String ?? "") })
        #expect(finished["status"] as? String == "succeeded", "\(finished)")
        #expect(finished["attempts"] as? Int == 1, "run again once, on request")
        let files = try FileManager.default.contentsOfDirectory(atPath: videos)
        #expect(files.count == 1 && files.allSatisfy { !$0.hasSuffix(".partial") }, "one output, no orphan temporary file: \(files)")
        let listed = try server.json([], "/api/jobs")["jobs"] as? [[String: Any]]
        #expect(listed?.count == 1, "no duplicate job")
        let probe = try Oracle.probe(videos + "/" + files[0])
        let clipDuration = try #require(try Oracle.probe(Paths.fixture("clip_1280x720_30.mp4")).format.duration.flatMap(Double.init))
        #expect(abs((probe.format.duration.flatMap(Double.init) ?? 0) - (12 * clipDuration - 11 * 0.3)) < 0.1)

        // Cancel a running render through the real server: it stops and leaves no file.
        let long = try #require(
            try server.json(["-X", "POST", "-H", "Content-Type: application/json", "-d", timeline], "/api/mv/merge_videos")["job_id"] as? String)
        _ = try server.waitFor(long, where: { ($0["status"] as? String) == "running" && ($0["progress"] as? Double ?? 0) > 0 })
        _ = try server.json(["-X", "DELETE"], "/api/jobs/\(long)")
        let canceled = try server.waitFor(long, where: { ["succeeded", "failed", "canceled"].contains($0["status"] as? String ?? "") })
        #expect(canceled["status"] as? String == "canceled", "\(canceled)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: videos).count == 1)
    }
}

/// A `merge-server serve` child process on a free port.
final class ServerProcess {
    let process = Process()
    let base: String
    let dataDirectory: String

    /// `environment` adds `MERGE_SERVER_*` settings to the test's own environment.
    /// `workers`: 0 makes an API node; `database`: the store (`--database`), else SQLite in the data directory.
    init(dataDirectory: String, environment extra: [String: String] = [:], workers: Int = 1, database: String? = nil) throws {
        self.dataDirectory = dataDirectory
        process.executableURL = URL(fileURLWithPath: Paths.mergeServer)
        process.arguments =
            ["serve", "--port", "0", "--data-dir", dataDirectory, "--workers", "\(workers)"] + (database.map { ["--database", $0] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment["MERGE_SERVER_LOG_LEVEL"] = "warning"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        // The server prints one line with its address when it listens.
        var line = Data()
        let deadline = Date().addingTimeInterval(30)
        while !line.contains(UInt8(ascii: "\n")) && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "http://") else {
            process.terminate()
            throw TestFailure("the server did not start: \(text)")
        }
        base = String(text[range.lowerBound...].prefix { !$0.isWhitespace })
    }

    /// The port the server listens on.
    var port: UInt16 { UInt16(base.split(separator: ":").last ?? "") ?? 0 }

    func curl(_ arguments: [String], _ path: String) throws -> String {
        let result = try ProcessRunner.run("curl", ["-s", "--max-time", "60"] + arguments + [base + path])
        guard result.status == 0 else { throw TestFailure("curl \(arguments) \(path) failed (\(result.status)): \(result.stderr)") }
        return result.stdout
    }

    func json(_ arguments: [String], _ path: String) throws -> [String: Any] {
        let text = try curl(arguments, path)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestFailure("\(path) did not answer a JSON object: \(text)")
        }
        return object
    }

    func upload(_ fixture: String, type: String = "video/mp4") throws -> String {
        let asset = try json(["-X", "POST", "-H", "Content-Type: \(type)", "--data-binary", "@" + Paths.fixture(fixture)], "/api/uploads")
        guard let id = asset["id"] as? String else { throw TestFailure("upload of \(fixture) failed: \(asset)") }
        return id
    }

    /// Polls the job until `condition` holds (two minutes at most).
    func waitFor(_ job: String, where condition: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let state = try json([], "/api/jobs/\(job)")
            if condition(state) { return state }
            usleep(50_000)
        }
        throw TestFailure("job \(job) did not reach the expected state")
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
