import Foundation
import Generation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing

@testable import MergeServer

/// `max_concurrent`: a key never runs more jobs at once than it may; the rest stay queued
/// and start as its jobs end. Claims are fair across keys: the key running the fewest jobs
/// goes first, so one key's long queue does not starve another's single job.
@Suite struct ConcurrencyQuotaTests {
    /// A fresh database; its directory goes when the caller lets it go.
    func database(_ store: StoreEngine) async throws -> (TemporaryDirectory, Database) {
        let directory = try TemporaryDirectory()
        return (directory, try await store.open(in: directory))
    }

    func key(_ database: Database, maxConcurrent: Int?) async throws -> String {
        let keys = APIKeyRepository(database: database, pepper: Data(repeating: 7, count: 32))
        return try await keys.create(name: "k", scopes: [.render], limits: APIKeyLimits(maxConcurrent: maxConcurrent)).record.id
    }

    @Test(arguments: StoreEngine.allCases) func aKeyAtItsLimitWaitsWhileAnotherKeysJobRuns(store: StoreEngine) async throws {
        let (directory, database) = try await database(store)
        defer { withExtendedLifetime(directory) {} }
        let jobs = JobRepository(database: database)
        let a = try await key(database, maxConcurrent: 1)
        let b = try await key(database, maxConcurrent: nil)
        var queued: [String] = []
        for now in 1...3 {
            queued.append(try await jobs.enqueue(kind: "k", request: "{}", idempotencyKey: nil, maxAttempts: 3, owner: a, now: Double(now)).job.id)
        }
        let bJob = try await jobs.enqueue(kind: "k", request: "{}", idempotencyKey: nil, maxAttempts: 3, owner: b, now: 4).job.id

        let first = try #require(try await jobs.claim(owner: "w", leaseSeconds: 60, now: 10))
        #expect(first.id == queued[0])
        // A runs its one job: its older jobs wait, B's newer job starts.
        let second = try #require(try await jobs.claim(owner: "w", leaseSeconds: 60, now: 10))
        #expect(second.id == bJob)
        #expect(try await jobs.claim(owner: "w", leaseSeconds: 60, now: 10) == nil, "A is at max_concurrent = 1")
        #expect(try await jobs.find(queued[1])?.status == .queued)
        #expect(try await jobs.find(queued[2])?.status == .queued)

        try await jobs.succeed(first.attempt, result: "{}", video: nil, retention: 60)
        #expect(try await jobs.claim(owner: "w", leaseSeconds: 60, now: 11)?.id == queued[1])
        #expect(try await jobs.claim(owner: "w", leaseSeconds: 60, now: 11) == nil)
    }

    @Test(arguments: StoreEngine.allCases) func theKeyRunningFewestJobsGoesFirst(store: StoreEngine) async throws {
        let (directory, database) = try await database(store)
        defer { withExtendedLifetime(directory) {} }
        let jobs = JobRepository(database: database)
        let busy = try await key(database, maxConcurrent: nil)
        let quiet = try await key(database, maxConcurrent: nil)
        var busyJobs: [String] = []
        for now in 1...4 {
            let job = try await jobs.enqueue(kind: "k", request: "{}", idempotencyKey: nil, maxAttempts: 3, owner: busy, now: Double(now))
            busyJobs.append(job.job.id)
        }
        let late = try await jobs.enqueue(kind: "k", request: "{}", idempotencyKey: nil, maxAttempts: 3, owner: quiet, now: 5).job.id
        let keyless = try await jobs.enqueue(kind: "k", request: "{}", idempotencyKey: nil, maxAttempts: 3, now: 6).job.id

        var order: [String] = []
        while let job = try await jobs.claim(owner: "w", leaseSeconds: 60, now: 10) { order.append(job.id) }
        // Oldest first among keys running nothing; then each key's next once the others have one running.
        #expect(order == [busyJobs[0], late, keyless, busyJobs[1], busyJobs[2], busyJobs[3]])
    }

    /// A running job whose lease ran out (its worker died) is taken over even at the key's
    /// limit: it is the one job running, not one more.
    @Test(arguments: StoreEngine.allCases) func aStalledJobOfAKeyAtItsLimitIsTakenOver(store: StoreEngine) async throws {
        let (directory, database) = try await database(store)
        defer { withExtendedLifetime(directory) {} }
        let jobs = JobRepository(database: database)
        let a = try await key(database, maxConcurrent: 1)
        let job = try await jobs.enqueue(kind: "k", request: "{}", idempotencyKey: nil, maxAttempts: 3, owner: a, now: 1).job
        _ = try await jobs.enqueue(kind: "k", request: "{}", idempotencyKey: nil, maxAttempts: 3, owner: a, now: 2).job
        let stalled = try #require(try await jobs.claim(owner: "dead", leaseSeconds: 5, now: 10))
        #expect(stalled.id == job.id)
        #expect(try await jobs.claim(owner: "w", leaseSeconds: 60, now: 12) == nil)
        let takeover = try #require(try await jobs.claim(owner: "w", leaseSeconds: 60, now: 20))
        #expect(takeover.id == job.id && takeover.attempts == 2)
        #expect(try await jobs.claim(owner: "w", leaseSeconds: 60, now: 20) == nil)
    }

    /// Holds every clip until the test opens the gate, and counts how many of each key's
    /// clips were being made at once (the prompt names the key).
    final class HeldVideoProvider: VideoProvider {
        let gate = Gate()
        private let state = Mutex<(running: [String: Int], most: [String: Int], calls: Int)>(([:], [:], 0))

        func generateVideo(_ request: VideoGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
            let owner = String(request.prompt.prefix(1))
            state.withLock { state in
                state.calls += 1
                state.running[owner, default: 0] += 1
                state.most[owner] = max(state.most[owner] ?? 0, state.running[owner] ?? 0)
            }
            defer { state.withLock { $0.running[owner, default: 0] -= 1 } }
            await gate.wait()
            return try await MockVideoProvider(executor: .tests).generateVideo(request, context: context)
        }

        var calls: Int { state.withLock { $0.calls } }
        func running(_ owner: String) -> Int { state.withLock { $0.running[owner] ?? 0 } }
        func most(_ owner: String) -> Int { state.withLock { $0.most[owner] ?? 0 } }
    }

    @Test(arguments: StoreEngine.allCases) func throughTheServerAKeyRunsAtMostItsLimitAndAnotherKeyIsNotStarved(store: StoreEngine) async throws {
        let provider = HeldVideoProvider()
        var mocks = ProviderDirectory.mocks(on: .tests)
        mocks.video["mock"] = provider
        // Eight generation workers: only the key's limit holds its jobs back.
        let server = try await TestServer.make(workers: 1, mocks: mocks, store: store)
        let keys = server.dependencies.apiKeys
        let a = try await keys.create(name: "a", scopes: [.generate, .read], limits: APIKeyLimits(maxConcurrent: 1)).key
        let b = try await keys.create(name: "b", scopes: [.generate, .read]).key
        try await server.test { client in
            // Whatever the test finds, the held clips end (the server cannot stop while they wait).
            defer { provider.gate.open() }
            func submit(_ prompt: String, _ key: String) async throws -> String {
                let answer = try await client.postJSON(
                    "/api/mv/generate_video", #"{"prompt": "\#(prompt)", "model": "mock-video", "duration": 1, "resolution": "512p"}"#,
                    headers: [.authorization: "Bearer \(key)"])
                #expect(answer.status == .accepted, "\(answer.body)")
                return try #require(answer.body["job_id"] as? String)
            }
            var aJobs: [String] = []
            for index in 1...3 { aJobs.append(try await submit("A\(index)", a)) }
            let bJob = try await submit("B1", b)

            // B's job reaches the provider though A's two other jobs are older.
            try await until { provider.running("A") == 1 && provider.running("B") == 1 }
            let states = try await aJobs.asyncMap { try await server.dependencies.jobs.find($0)?.status }
            #expect(states.filter { $0 == .running }.count == 1 && states.filter { $0 == .queued }.count == 2, "\(states)")
            #expect(try await server.dependencies.jobs.find(bJob)?.status == .running)

            provider.gate.open()
            for id in aJobs + [bJob] {
                try await until { try await server.dependencies.jobs.find(id)?.status.isFinal == true }
                let job = try await server.dependencies.jobs.find(id)
                #expect(job?.status == .succeeded, "\(String(describing: job?.failure))")
            }
            #expect(provider.calls == 4)
            #expect(provider.most("A") == 1, "key A never had two clips made at once")
        }
    }

    private func until(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<1200 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("the condition did not come true")
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
