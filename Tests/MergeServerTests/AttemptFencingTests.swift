import Foundation
import Generation
import Logging
import Media
import Synchronization
import TestSupport
import Testing

@testable import MergeServer

/// Every write of a running attempt is fenced by its token: an attempt that stalled past
/// its lease and was claimed again can change nothing — not the job's end, progress,
/// lease, checkpoints or costs — and the provider is called once per attempt that owned it.
@Suite struct AttemptFencingTests {
    @Test(arguments: StoreEngine.allCases) func aStaleAttemptsWritesAreAllRefused(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let database = try await store.open(in: directory)
        let jobs = JobRepository(database: database)
        let checkpoints = CheckpointRepository(database: database)
        let costs = CostRepository(database: database)
        let job = try await jobs.enqueue(kind: "generate_video", request: "{}", idempotencyKey: nil, maxAttempts: 3).job

        let stale = try #require(try await jobs.claim(owner: "a", leaseSeconds: -1))
        // The same process never takes back a job it still runs, even with its lease run out.
        #expect(try await jobs.claim(owner: "a", leaseSeconds: 60, excluding: [job.id]) == nil)
        let fresh = try #require(try await jobs.claim(owner: "a", leaseSeconds: 60))
        #expect(fresh.id == job.id && fresh.attemptToken != stale.attemptToken && fresh.attempts == 2)

        await #expect(throws: LeaseLost.self) { try await jobs.renewLease(stale.attempt, leaseSeconds: 60) }
        await #expect(throws: LeaseLost.self) { try await jobs.updateProgress(stale.attempt, progress: 0.9, stage: "stale", etaSeconds: nil) }
        await #expect(throws: LeaseLost.self) { try await checkpoints.save(stale.attempt, key: "clip.0", value: "stale") }
        await #expect(throws: LeaseLost.self) {
            try await costs.addActual(stale.attempt, model: "m", provider: "p", usd: 5, isMock: false)
        }
        await #expect(throws: LeaseLost.self) { try await jobs.succeed(stale.attempt, result: "{}", video: nil, retention: 60) }
        await #expect(throws: LeaseLost.self) {
            try await jobs.finish(stale.attempt, status: .failed, failure: JobFailure(type: "x", message: "stale"), retention: 60)
        }
        await #expect(throws: LeaseLost.self) {
            try await jobs.requeue(stale.attempt, runAfter: 0, failure: nil, countAttempt: false)
        }
        #expect(try await checkpoints.value(job: job.id, key: "clip.0") == nil)
        #expect(try await costs.total(job: job.id).actualUSD == 0)
        let row = try #require(try await jobs.find(job.id))
        #expect(row.status == .running && row.stage == "starting" && row.attemptToken == fresh.attemptToken)

        // The owning attempt writes as usual.
        #expect(try await jobs.renewLease(fresh.attempt, leaseSeconds: 60) == false)
        try await checkpoints.save(fresh.attempt, key: "clip.0", value: "fresh")
        try await costs.addActual(fresh.attempt, model: "m", provider: "p", usd: 1, isMock: false)
        try await jobs.succeed(fresh.attempt, result: "{}", video: nil, retention: 60)
        #expect(try await checkpoints.value(job: job.id, key: "clip.0") == "fresh")
        #expect(try await costs.total(job: job.id).actualUSD == 1)
    }

    /// Two engines on one queue: A's worker stalls past its lease (it stops renewing, as a
    /// SIGSTOPped process would); B claims the job and finishes it. When A wakes, its
    /// checkpoint, cost and result are refused and the job keeps B's.
    @Test(arguments: StoreEngine.allCases) func aWorkerStalledPastItsLeaseIsOverruled(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let database = try await store.open(in: directory)
        let jobs = JobRepository(database: database)
        let checkpoints = CheckpointRepository(database: database)
        let costs = CostRepository(database: database)
        let provider = CountingProvider()
        let gate = Gate()
        let job = try await jobs.enqueue(kind: "generate_video", request: "{}", idempotencyKey: nil, maxAttempts: 3).job

        var stalling = JobEngineSettings()
        stalling.workers = 1
        stalling.pollSeconds = 0.05
        stalling.leaseSeconds = 0.3
        stalling.heartbeatSeconds = 3600  // never renews in time: the stall
        let engineA = JobEngine(
            jobs: jobs, events: JobEventHub(),
            handlers: [PaidHandler(provider: provider, gate: gate, checkpoints: checkpoints, costs: costs)],
            settings: stalling, logger: TestServer.logger)
        let runA = Task { try await engineA.run() }
        try await until { provider.tokens.count == 1 }
        let first = try #require(provider.tokens.first)
        try await until { (try await jobs.find(job.id)?.leaseExpiresAt ?? .infinity) < Date().timeIntervalSince1970 }

        var healthy = JobEngineSettings()
        healthy.workers = 1
        healthy.pollSeconds = 0.05
        let engineB = JobEngine(
            jobs: jobs, events: JobEventHub(),
            handlers: [PaidHandler(provider: provider, gate: nil, checkpoints: checkpoints, costs: costs)],
            settings: healthy, logger: TestServer.logger)
        let runB = Task { try await engineB.run() }
        try await until { try await jobs.find(job.id)?.status == .succeeded }
        let second = try #require(provider.tokens.last)

        gate.open()  // A wakes up and tries to record its work
        try await until { engineA.busyWorkers == 0 }
        engineA.stop()
        engineB.stop()
        try await runA.value
        try await runB.value

        #expect(provider.tokens.count == 2 && first != second, "one provider call per attempt that owned the lease")
        let done = try #require(try await jobs.find(job.id))
        #expect(done.status == .succeeded && done.result == "{\"by\": \"\(second)\"}", "B's result stands")
        #expect(try await checkpoints.value(job: job.id, key: "clip") == second, "A's checkpoint was refused")
        #expect(try await costs.total(job: job.id).actualUSD == 1, "only B's spend is recorded")
    }

    private func until(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<400 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("the condition did not come true")
    }
}

/// A fake paid provider: it counts its calls and remembers which attempt made each.
final class CountingProvider: Sendable {
    private let calls = Mutex<[String]>([])
    var tokens: [String] { calls.withLock { $0 } }
    func generate(attempt: JobAttempt) { calls.withLock { $0.append(attempt.token) } }
}

/// Holds whoever waits until it is opened, whatever else happens (a stalled process).
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func open() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}

/// A job like a generation: calls the provider, (maybe) stalls, then checkpoints what it
/// made and records its cost under its attempt, and returns which attempt made it.
struct PaidHandler: JobHandler {
    static let kind = JobKind.generateVideo
    let provider: CountingProvider
    let gate: Gate?
    let checkpoints: CheckpointRepository
    let costs: CostRepository

    func run(_ request: JSONValue, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        provider.generate(attempt: job.attempt)
        await gate?.wait()
        let token = job.attempt.token
        try await checkpoints.save(job.attempt, key: "clip", value: token)
        try await costs.addActual(job.attempt, model: "m", provider: "p", usd: 1, isMock: false)
        return JobOutput(result: "{\"by\": \"\(token)\"}")
    }
}

/// The same stall through the real `generate_video` handler and a paid (counted)
/// provider: the stalled attempt's clip is never recorded, the job ends once with the
/// clip of the attempt that owned it, and the provider ran once per owning attempt.
@Suite struct StalledGenerationTests {
    /// Counts calls; the first one hangs until the gate opens (the process is stopped).
    final class StallingVideo: VideoProvider {
        let calls = Mutex(0)
        let gate = Gate()
        func generateVideo(_ request: VideoGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
            if calls.withLock({ value in
                value += 1
                return value
            }) == 1 {
                await gate.wait()
            }
            return try await MockVideoProvider(executor: .tests).generateVideo(request, context: context)
        }
    }

    @Test(arguments: StoreEngine.allCases) func aStalledGenerationIsPaidOnceAndRecordedOnce(store: StoreEngine) async throws {
        let provider = StallingVideo()
        var mocks = ProviderDirectory.mocks(on: .tests)
        mocks.video["mock"] = provider
        let server = try await TestServer.make(workers: 0, mocks: mocks, store: store)
        let id = try await server.test(.router) { client in
            let accepted = try await client.postJSON(
                "/api/mv/generate_video",
                #"{"prompt": "a fox", "model": "mock-video", "duration": 2, "resolution": "512p"}"#)
            return try #require(accepted.body["job_id"] as? String, "\(accepted)")
        }
        let deps = server.dependencies
        let work = GenerationWork(
            generation: deps.generation, assets: deps.assets, store: deps.store, costs: deps.costs,
            scenePlans: ScenePlanCache(database: deps.database),
            fetcher: RemoteAssetFetcher(client: CurlHTTPClient.shared, store: deps.store, limit: 1 << 30),
            executors: deps.executors, downloadLimit: 1 << 30)
        func engine(_ configure: (inout JobEngineSettings) -> Void) -> JobEngine {
            var settings = JobEngineSettings()
            settings.workers = 1
            settings.generationWorkers = 0
            settings.pollSeconds = 0.05
            configure(&settings)
            return JobEngine(
                jobs: deps.jobs, events: JobEventHub(), handlers: [GenerateVideoJob(work: work, videosDirectory: server.videosDirectory)],
                settings: settings, logger: TestServer.logger, dataDirectory: server.directory.path)
        }
        let stalled = engine {
            $0.leaseSeconds = 0.3
            $0.heartbeatSeconds = 3600
        }
        let runStalled = Task { try await stalled.run() }
        try await until { provider.calls.withLock { $0 } == 1 }
        try await until { (try await deps.jobs.find(id)?.leaseExpiresAt ?? .infinity) < Date().timeIntervalSince1970 }
        let healthy = engine { _ in }
        let runHealthy = Task { try await healthy.run() }
        try await until { try await deps.jobs.find(id)?.status.isFinal == true }
        let finished = try #require(try await deps.jobs.find(id))
        let assetsBefore = try deps.assets.fileNames()

        provider.gate.open()
        try await until { stalled.busyWorkers == 0 }
        stalled.stop()
        healthy.stop()
        try await runStalled.value
        try await runHealthy.value

        #expect(finished.status == .succeeded && finished.attempts == 2, "\(String(describing: finished.error))")
        #expect(provider.calls.withLock { $0 } == 2, "one provider call per attempt that owned the lease")
        let after = try #require(try await deps.jobs.find(id))
        #expect(after.result == finished.result && after.finishedAt == finished.finishedAt, "the stale attempt changed nothing")
        #expect(try deps.assets.fileNames() == assetsBefore, "its clip was not stored")
    }

    /// One process, two workers: the job's lease runs out while its worker stalls, and the
    /// other worker of the same process does not take it (before, it did: two paid
    /// generations for one job, both allowed to complete it).
    @Test(arguments: StoreEngine.allCases) func aProcessNeverClaimsAJobItIsStillRunning(store: StoreEngine) async throws {
        let provider = StallingVideo()
        var mocks = ProviderDirectory.mocks(on: .tests)
        mocks.video["mock"] = provider
        let server = try await TestServer.make(workers: 2, mocks: mocks, store: store) {
            $0.engine.generationWorkers = 0
            $0.engine.leaseSeconds = 0.3
            $0.engine.heartbeatSeconds = 3600
        }
        try await server.test(.router) { client in
            let accepted = try await client.postJSON(
                "/api/mv/generate_video",
                #"{"prompt": "a fox", "model": "mock-video", "duration": 2, "resolution": "512p"}"#)
            let id = try #require(accepted.body["job_id"] as? String, "\(accepted)")
            try await until { provider.calls.withLock { $0 } == 1 }
            // Well past the lease: the idle worker has polled many times meanwhile.
            let expired = try #require(try await server.dependencies.jobs.find(id)?.leaseExpiresAt)
            try await until { Date().timeIntervalSince1970 > expired + 1 }
            provider.gate.open()
            let job = try await client.waitForJob(id)
            #expect(job["status"] as? String == "succeeded" && job["attempts"] as? Int == 1, "\(job)")
            #expect(provider.calls.withLock { $0 } == 1, "the provider ran once")
        }
    }

    private func until(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<600 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("the condition did not come true")
    }
}
