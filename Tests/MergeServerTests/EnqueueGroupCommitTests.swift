import Foundation
import TestSupport
import Testing

@testable import MergeServer

/// Submissions that arrive together are inserted in one transaction (`EnqueueGroupCommit`):
/// each still gets the outcome a lone submission would, on both engines.
@Suite struct EnqueueGroupCommitTests {
    typealias Outcome = Result<JobRepository.EnqueueOutcome, any Error>

    /// Runs `count` submissions at once; their outcomes in index order.
    private func concurrently(
        _ count: Int, _ submit: @escaping @Sendable (Int) async throws -> JobRepository.EnqueueOutcome
    ) async -> [Outcome] {
        await withTaskGroup(of: (Int, Outcome).self) { group in
            for index in 0..<count {
                group.addTask {
                    do { return (index, .success(try await submit(index))) } catch { return (index, .failure(error)) }
                }
            }
            var outcomes = [Outcome?](repeating: nil, count: count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.map { $0! }
        }
    }

    private func created(_ outcomes: [Outcome]) -> [JobRecord] {
        outcomes.compactMap { if case .success(.created(let job)) = $0 { job } else { nil } }
    }

    @Test(arguments: StoreEngine.allCases) func manySubmissionsAtOnceEachLandOnceWithTheirAuditEntry(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let database = try await store.open(in: directory)
        let jobs = JobRepository(database: database)
        let outcomes = await concurrently(200) { index in
            try await jobs.enqueue(
                kind: "merge", request: "{\"n\": \(index)}", idempotencyKey: nil, maxAttempts: 1, maxQueued: 10_000,
                owner: index % 3 == 0 ? "key_a" : "key_b", oneAtATime: false,
                submitter: AuditLog.Submitter(actor: "key_x", via: .api, requestID: "req-\(index)"))
        }
        let made = created(outcomes)
        #expect(made.count == 200, "every submission made its job")
        for (index, outcome) in outcomes.enumerated() {
            #expect((try? outcome.get().job.request) == "{\"n\": \(index)}", "each caller got its own job back")
        }
        let rows = try database.read { db in try db.fetchValues(String.self, "SELECT id FROM jobs") }
        #expect(Set(rows) == Set(made.map(\.id)))
        let entries = try database.read { db in
            try db.fetchAll("SELECT subject, request_id FROM audit_log WHERE action = 'job.submitted'")
        }
        let requestOf = Dictionary(uniqueKeysWithValues: made.map { ($0.id, "req-" + $0.request.filter(\.isNumber)) })
        #expect(entries.count == 200)
        for entry in entries {
            let subject: String = entry["subject"]
            let request: String? = entry["request_id"]
            #expect(requestOf[subject] == request, "each job's entry names the request that made it")
        }
        // The point of the groups: far fewer transactions than submissions.
        let transactions = database.enqueues.transactions
        #expect(transactions < 100, "\(transactions) transactions for 200 submissions")
    }

    @Test(arguments: StoreEngine.allCases) func aRefusedCompanionWriteFailsOnlyItsOwnSubmission(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let database = try await store.open(in: directory)
        let jobs = JobRepository(database: database)
        struct Refused: Error {}
        let outcomes = await concurrently(40) { index in
            try await jobs.enqueue(
                kind: "merge", request: "{\"n\": \(index)}", idempotencyKey: nil, maxAttempts: 1, oneAtATime: false,
                alsoWrite: { db, job in
                    try db.execute("INSERT INTO audit_log (at, via, action, subject) VALUES (0, 'api', 'test', ?)", [job.id])
                    if index == 17 { throw Refused() }
                })
        }
        for (index, outcome) in outcomes.enumerated() {
            if index == 17 {
                #expect(throws: Refused.self) { try outcome.get() }
            } else {
                #expect(throws: Never.self) { try outcome.get() }
            }
        }
        let rows = try database.read { db in try db.fetchValue(Int.self, "SELECT COUNT(*) FROM jobs") }
        let companions = try database.read { db in try db.fetchValue(Int.self, "SELECT COUNT(*) FROM audit_log WHERE action = 'test'") }
        #expect(rows == 39 && companions == 39, "the refused one left nothing; its group's others all landed")
    }

    @Test(arguments: StoreEngine.allCases) func idempotencyKeysInOneGroupReplayAndConflictAsAlone(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let jobs = try await JobRepository(database: store.open(in: directory))
        let first = try await jobs.enqueue(kind: "merge", request: "{\"a\": 1}", idempotencyKey: "old", maxAttempts: 1, owner: "key_a")
        let outcomes = await concurrently(40) { index in
            switch index % 4 {
            case 0: try await jobs.enqueue(kind: "merge", request: "{\"a\": 1}", idempotencyKey: "old", maxAttempts: 1, owner: "key_a")
            case 1: try await jobs.enqueue(kind: "merge", request: "{\"a\": 2}", idempotencyKey: "old", maxAttempts: 1, owner: "key_a")
            case 2: try await jobs.enqueue(kind: "merge", request: "{\"b\": 1}", idempotencyKey: "new", maxAttempts: 1, owner: "key_a")
            default:
                try await jobs.enqueue(
                    kind: "merge", request: "{\"c\": \(index)}", idempotencyKey: nil, maxAttempts: 1, owner: "key_a", oneAtATime: false)
            }
        }
        var newJobs = Set<String>()
        var madeNew = 0
        for (index, outcome) in outcomes.enumerated() {
            switch (index % 4, outcome) {
            case (0, .success(.existing(let job))): #expect(job.id == first.job.id)
            case (1, .failure(let error)): #expect((error as? JobRepository.IdempotencyConflict)?.existing.id == first.job.id)
            case (2, .success(let outcome)):
                newJobs.insert(outcome.job.id)
                if case .created = outcome { madeNew += 1 }
            case (3, .success(.created)): break
            default: Issue.record("submission \(index): \(outcome)")
            }
        }
        #expect(newJobs.count == 1 && madeNew == 1, "one of the ten with the new key made the job, nine were answered with it")
        let rows = try jobs.database.read { db in try db.fetchValue(Int.self, "SELECT COUNT(*) FROM jobs") }
        #expect(rows == 1 + 1 + 10)
    }

    @Test(arguments: StoreEngine.allCases) func aFullQueueRefusesTheSubmissionsPastItsLimit(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let jobs = try await JobRepository(database: store.open(in: directory))
        for index in 0..<8 {
            _ = try await jobs.enqueue(kind: "merge", request: "{\"n\": \(index)}", idempotencyKey: nil, maxAttempts: 1, maxQueued: 10)
        }
        let outcomes = await concurrently(30) { index in
            try await jobs.enqueue(
                kind: "merge", request: "{\"m\": \(index)}", idempotencyKey: nil, maxAttempts: 1, maxQueued: 10, oneAtATime: false)
        }
        let full = outcomes.filter { if case .failure(let error) = $0 { error is JobRepository.QueueFull } else { false } }
        let made = created(outcomes).count
        #expect(made + full.count == 30, "each was queued or refused as full")
        switch store {
        case .sqlite:
            // One writer: each group counts what the one before it committed.
            #expect(made == 2)
        case .postgres:
            // Groups committing at the same moment each count the queue without the other's
            // rows: the limit may be passed by them (see `QueuedJobsGauge`), never more.
            #expect((2...2 * EnqueueGroupCommit.maxTransactions).contains(made), "\(made) queued past 8 of 10")
        }
        // Once full, a later submission is refused.
        await #expect(throws: JobRepository.QueueFull.self) {
            try await jobs.enqueue(kind: "merge", request: "{}", idempotencyKey: nil, maxAttempts: 1, maxQueued: 10)
        }
    }
}
