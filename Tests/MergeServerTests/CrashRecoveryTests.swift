import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// Jobs found running when the process died: the one that ran alone is quarantined
/// (`crashed`, manual retry); several together are requeued under suspicion without
/// losing an attempt, and a suspect runs alone, so a second crash names the culprit.
@Suite struct CrashRecoveryTests {
    @Test func aJobRunningAloneWhenTheProcessDiedIsQuarantined() async throws {
        let directory = try TemporaryDirectory()
        let jobs = try JobRepository(database: Database(path: directory.path + "/db.sqlite"))
        let job = try await jobs.enqueue(kind: "merge_videos", request: "{}", idempotencyKey: nil, maxAttempts: 3).job
        _ = try #require(try await jobs.claim(owner: "dead", leaseSeconds: 60))

        let recovery = try await jobs.recoverInterrupted(retention: 60)
        #expect(recovery.quarantined == [job.id] && recovery.requeued.isEmpty)
        let crashed = try #require(try await jobs.find(job.id))
        #expect(crashed.status == .failed && crashed.crashCount == 1 && crashed.attemptToken == nil)
        #expect(crashed.failure?.type == "crashed")
        #expect(crashed.failure?.suggestion?.contains("POST /api/jobs/{id}/retry") == true)
        #expect(try await jobs.claim(owner: "new", leaseSeconds: 60) == nil, "a crashed job is not run again by itself")
    }

    @Test func bystandersKeepTheirAttemptsAndASuspectRunsAlone() async throws {
        let directory = try TemporaryDirectory()
        let jobs = try JobRepository(database: Database(path: directory.path + "/db.sqlite"))
        let first = try await jobs.enqueue(kind: "k", request: "{}", idempotencyKey: nil, maxAttempts: 3, now: 1).job
        let second = try await jobs.enqueue(kind: "k", request: "{}", idempotencyKey: nil, maxAttempts: 3, now: 2).job
        let waiting = try await jobs.enqueue(kind: "k", request: "{}", idempotencyKey: nil, maxAttempts: 3, now: 3).job
        _ = try #require(try await jobs.claim(owner: "dead", leaseSeconds: 60))
        _ = try #require(try await jobs.claim(owner: "dead", leaseSeconds: 60))

        // Two ran together: either may be the culprit; neither loses an attempt.
        let recovery = try await jobs.recoverInterrupted(retention: 60, now: 10)
        #expect(Set(recovery.requeued) == [first.id, second.id] && recovery.quarantined.isEmpty)
        for id in [first.id, second.id] {
            let job = try #require(try await jobs.find(id))
            #expect(job.status == .queued && job.attempts == 0 && job.crashCount == 1)
        }

        // A suspect runs alone: while it runs (or waits) this owner takes nothing else.
        let alone = try #require(try await jobs.claim(owner: "new", leaseSeconds: 60, now: 11))
        #expect(alone.id == first.id)
        #expect(try await jobs.claim(owner: "new", leaseSeconds: 60, now: 11) == nil)
        // It kills the process again, alone: now it is quarantined; the other suspect waits on.
        let again = try await jobs.recoverInterrupted(retention: 60, now: 12)
        #expect(again.quarantined == [first.id] && again.requeued.isEmpty)
        #expect(try await jobs.find(first.id)?.failure?.type == "crashed")

        let next = try #require(try await jobs.claim(owner: "new", leaseSeconds: 60, now: 13))
        #expect(next.id == second.id)
        #expect(try await jobs.claim(owner: "new", leaseSeconds: 60, now: 13) == nil, "nothing runs beside a suspect")
        try await jobs.succeed(next.attempt, result: "{}", video: nil, retention: 60)
        #expect(try await jobs.claim(owner: "new", leaseSeconds: 60, now: 14)?.id == waiting.id)
    }

    @Test func aGracefulStopIsNotACrash() async throws {
        let directory = try TemporaryDirectory()
        let jobs = try JobRepository(database: Database(path: directory.path + "/db.sqlite"))
        let job = try await jobs.enqueue(kind: "merge_videos", request: "{\"sleep\": 30}", idempotencyKey: nil, maxAttempts: 3).job
        var settings = JobEngineSettings()
        settings.workers = 1
        settings.pollSeconds = 0.05
        let engine = JobEngine(jobs: jobs, events: JobEventHub(), handlers: [FlakyHandler()], settings: settings, logger: TestServer.logger)
        let run = Task { try await engine.run() }
        for _ in 0..<200 {
            if try await jobs.find(job.id)?.status == .running { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        engine.stop()
        try await run.value
        #expect(try await jobs.recoverInterrupted(retention: 60) == JobRepository.Recovery())
        let requeued = try #require(try await jobs.find(job.id))
        #expect(requeued.status == .queued && requeued.crashCount == 0 && requeued.attempts == 0)
    }

    /// Through the API: the crashed job says what happened and what to do; the retry
    /// route queues it again (202) and refuses other states (409).
    @Test func aCrashedJobIsRetriedByRequest() async throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.path + "/mergeserver.sqlite")
        let jobs = JobRepository(database: database)
        let crashed = try await jobs.enqueue(kind: "merge_videos", request: "{}", idempotencyKey: nil, maxAttempts: 3).job
        _ = try #require(try await jobs.claim(owner: "dead", leaseSeconds: 60))
        let queued = try await jobs.enqueue(kind: "merge_videos", request: "{}", idempotencyKey: nil, maxAttempts: 3).job

        let server = try await TestServer.make(workers: 0) { $0.dataDirectory = directory.path }
        try await server.test(.router) { client in
            let shown = try await client.getJSON("/api/jobs/\(crashed.id)").body
            #expect(shown["status"] as? String == "failed")
            let error = try #require(shown["error"] as? [String: Any])
            #expect(error["type"] as? String == "crashed")
            #expect((error["message"] as? String)?.contains("the server stopped while running this job") == true)

            let retried = try await client.postJSON("/api/jobs/\(crashed.id)/retry", "")
            #expect(retried.status == .accepted)
            #expect(retried.body["status"] as? String == "queued")
            let now = try await client.getJSON("/api/jobs/\(crashed.id)").body
            #expect(now["status"] as? String == "queued" && now["attempts"] as? Int == 0 && now["error"] is NSNull)

            let again = try await client.postJSON("/api/jobs/\(crashed.id)/retry", "")
            #expect(again.status == .conflict && again.body["type"] as? String == "job_not_failed")
            #expect(try await client.postJSON("/api/jobs/\(queued.id)/retry", "").status == .conflict)
            #expect(try await client.postJSON("/api/jobs/job_000000000000000000000000/retry", "").status == .notFound)
        }
    }
}
