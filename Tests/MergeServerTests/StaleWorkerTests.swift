import Foundation
import TestSupport
import Testing

/// A worker frozen (SIGSTOP) in the middle of a render past its lease, as a long GC
/// pause or a stalled VM would: another worker takes the job and finishes it; when the
/// frozen one resumes (SIGCONT), its late result is refused by the attempt fence and its
/// own output file removed — every attempt writes a file of its own name, so it can
/// never replace the output of the attempt that owns the job.
@Suite(.serialized) struct StaleWorkerTests {
    @Test func aResumedStaleWorkerCannotReplaceOrAddAnOutput() async throws {
        let data = try TemporaryDirectory()
        let database = try await TestPostgres.shared.freshDatabaseURL()
        let lease = ["MERGE_SERVER_LEASE_SECONDS": "3"]
        let api = try ServerProcess(dataDirectory: data.path, environment: lease, workers: 0, database: database)
        defer { api.stop() }
        let staleLog = data.path + "/stale-worker.log"
        let stale = try WorkerProcess(dataDirectory: data.path, database: database, environment: lease, log: staleLog)
        defer {
            kill(stale.process.processIdentifier, SIGCONT)
            stale.stop()
        }

        let clip = try api.upload("clip_1280x720_30.mp4")
        let timeline =
            "{\"clips\": [\(Array(repeating: "{\"source\": \"\(clip)\"}", count: 12).joined(separator: ","))], \"transition\": {\"type\": \"fade\", \"duration\": 0.3}}"
        let job = try #require(
            try api.json(["-X", "POST", "-H", "Content-Type: application/json", "-d", timeline], "/api/mv/merge_videos")["job_id"] as? String)
        _ = try api.waitFor(job, where: { ($0["status"] as? String) == "running" && ($0["progress"] as? Double ?? 0) > 0.3 })

        // Frozen mid-render: no heartbeat, no progress; the lease runs out.
        #expect(kill(stale.process.processIdentifier, SIGSTOP) == 0)
        let second = try WorkerProcess(dataDirectory: data.path, database: database, environment: lease)
        defer { second.stop() }
        let finished = try api.waitFor(job, where: { ["succeeded", "failed", "canceled"].contains($0["status"] as? String ?? "") })
        #expect(finished["status"] as? String == "succeeded", "\(finished)")
        #expect(finished["attempts"] as? Int == 2, "the frozen attempt and the one that finished")

        // Resumed: it finds its lease gone (at its next heartbeat or at its end) and drops its work.
        #expect(kill(stale.process.processIdentifier, SIGCONT) == 0)
        let videos = data.path + "/videos"
        // Generous: in a full CI run beside every other suite, the resumed worker's first
        // heartbeat once came about 90 s after SIGCONT (its refusal was logged just after).
        let deadline = Date().addingTimeInterval(180)
        var refused = false
        var unfinished: [String] = []
        while Date() < deadline {
            // Read as bytes: a line being written may end in the middle of a character.
            let log = String(decoding: FileManager.default.contents(atPath: staleLog) ?? Data(), as: UTF8.self)
            refused = refused || log.contains("lost the job's lease")
            unfinished = ((try? FileManager.default.contentsOfDirectory(atPath: videos)) ?? []).filter { $0.hasPrefix(".") }
            if refused && unfinished.isEmpty { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(refused, "the resumed worker's result was refused: \((try? String(contentsOfFile: staleLog, encoding: .utf8)) ?? "")")
        #expect(unfinished.isEmpty, "the resumed worker's unfinished files are gone: \(unfinished)")
        // A moment more for anything the resumed worker might still write.
        try await Task.sleep(for: .seconds(2))

        let files = try FileManager.default.contentsOfDirectory(atPath: videos)
        #expect(files.count == 1, "exactly one output file: \(files)")
        let state = try api.json([], "/api/jobs/\(job)")
        #expect(state["status"] as? String == "succeeded")
        #expect(state["attempts"] as? Int == 2)
        let url = try #require((state["result"] as? [String: Any])?["video_url"] as? String)
        let whole = data.path + "/whole.mp4"
        _ = try api.curl(["-f", "-o", whole], url)
        #expect(try Data(contentsOf: URL(fileURLWithPath: whole)) == Data(contentsOf: URL(fileURLWithPath: videos + "/" + files[0])))
        let probe = try Oracle.probe(whole)
        let clipDuration = try #require(try Oracle.probe(Paths.fixture("clip_1280x720_30.mp4")).format.duration.flatMap(Double.init))
        #expect(abs((probe.format.duration.flatMap(Double.init) ?? 0) - (12 * clipDuration - 11 * 0.3)) < 0.1)
        #expect(files[0].hasPrefix("vid_") && files[0].contains(".a2-"), "the second attempt's own file: \(files[0])")
    }
}
