import Foundation
import Synchronization
import TestSupport
import Testing

@testable import MergeServer

/// The queue under concurrent callers, on both engines: under PostgreSQL the claims,
/// submissions and notifications of several processes really run at the same time.
@Suite struct QueueRaceTests {
    @Test(arguments: StoreEngine.allCases) func concurrentClaimsTakeEachJobOnce(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let jobs = try await JobRepository(database: store.open(in: directory))
        var made = Set<String>()
        for index in 0..<300 {
            made.insert(try await jobs.enqueue(kind: "merge", request: "{\"n\": \(index)}", idempotencyKey: nil, maxAttempts: 1).job.id)
        }
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var mine: [String] = []
                    while let job = try await jobs.claim(owner: "worker-\(worker)", leaseSeconds: 60) { mine.append(job.id) }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 300, "every claim took a job no other claim took")
        #expect(Set(claimed) == made)
        let counts = try await jobs.countsByStatus()
        #expect(counts[.running] == 300 && counts[.queued] == 0, "\(counts)")
    }

    @Test(arguments: StoreEngine.allCases) func oneIdempotencyKeyMakesOneJobUnderConcurrentRequests(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let jobs = try await JobRepository(database: store.open(in: directory))
        let outcomes = try await withThrowingTaskGroup(of: JobRepository.EnqueueOutcome.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await jobs.enqueue(kind: "merge", request: "{}", idempotencyKey: "once", maxAttempts: 1, owner: "key_a")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let created = outcomes.filter { if case .created = $0 { true } else { false } }
        #expect(created.count == 1, "one request made the job, the others were answered with it")
        #expect(Set(outcomes.map(\.job.id)).count == 1)
    }

    @Test(arguments: StoreEngine.allCases) func notificationsArriveAtCommitAndNeverAfterARollback(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let database = try await store.open(in: directory)
        let received = Mutex<[String]>([])
        let listener = try await database.listen("test_events") { payload in received.withLock { $0.append(payload) } }
        defer { listener.stop() }
        struct Abandon: Error {}
        await #expect(throws: Abandon.self) {
            try await database.write { db in
                try db.notify("test_events", payload: "rolled back")
                throw Abandon()
            }
        }
        try await database.write { db in try db.notify("test_events", payload: "committed") }
        for _ in 0..<200 where received.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(received.withLock { $0 } == ["committed"])
    }
}
