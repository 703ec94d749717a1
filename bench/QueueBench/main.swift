// bench/queue.sh's measurement: the durable queue of one store (SQLite file or
// PostgreSQL URL), through the same code the server runs.
//   bench-queue STORE [JOBS] [ENQUEUERS] [WORKERS] [PICKUPS]
// 1. accepted/s: ENQUEUERS concurrent tasks call JobRepository.enqueue (the transaction a
//    POST commits: the queue's limit, insert, audit entry, NOTIFY) until JOBS are queued;
// 2. worked/s: a JobEngine with WORKERS workers and a handler that does nothing runs them
//    all (claim under lease, heartbeat, fenced completion);
// 3. pickup: PICKUPS jobs queued one at a time into the idle engine; the time from the
//    enqueue call to the handler starting, p50/p99.
// Prints one line of `key=value` pairs for the script to tabulate.
import Foundation
import Logging
import Media
import MergeServer
import Synchronization

struct Empty: Decodable, Sendable {}

/// Does nothing, and tells when it started.
struct NoWork: JobHandler {
    static let kind = JobKind.analyzeAudio
    let started: @Sendable (String) -> Void

    func run(_ request: Empty, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        started(job.id)
        return JobOutput(result: "{}")
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: bench-queue STORE [JOBS] [ENQUEUERS] [WORKERS] [PICKUPS]\n".utf8))
    exit(64)
}
let store = arguments[1]
let jobCount = arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000
let enqueuers = arguments.count > 3 ? Int(arguments[3]) ?? 8 : 8
let workerCount = arguments.count > 4 ? Int(arguments[4]) ?? 4 : 4
let pickups = arguments.count > 5 ? Int(arguments[5]) ?? 300 : 300

let database = try Database(url: store)
let jobs = JobRepository(database: database)
let kind = JobKind.analyzeAudio.rawValue
// The server's default limit, or room for every job of a larger run.
let maxQueued = max(ServerLimits().maxQueuedJobs, jobCount)

@Sendable func now() -> Double { Date().timeIntervalSince1970 }

// 1. Accepted per second.
let remaining = Atomic<Int>(jobCount)
let acceptStart = now()
try await withThrowingTaskGroup(of: Void.self) { group in
    for _ in 0..<enqueuers {
        group.addTask {
            while remaining.subtract(1, ordering: .relaxed).oldValue > 0 {
                // As a merge's POST does: the queue's limit checked, the audit entry written,
                // no spend to check (so the key's submissions go side by side).
                _ = try await jobs.enqueue(
                    kind: kind, request: "{}", idempotencyKey: nil, maxAttempts: 3, maxQueued: maxQueued, oneAtATime: false,
                    submitter: AuditLog.Submitter(actor: nil, via: .api, requestID: nil))
            }
        }
    }
    try await group.waitForAll()
}
let acceptSeconds = now() - acceptStart

// 2. Worked per second, by the engine the server runs.
let startedAt = Mutex<[String: Double]>([:])
// A line per job would measure the terminal.
var quiet = Logger(label: "bench-queue")
quiet.logLevel = .warning
var settings = JobEngineSettings()
settings.workers = workerCount
settings.generationWorkers = 0
let engine = JobEngine(
    jobs: jobs, events: JobEventHub(), handlers: [NoWork(started: { id in startedAt.withLock { $0[id] = now() } })],
    settings: settings, logger: quiet)
let workStart = now()
let running = Task { try await engine.run() }
while try await jobs.countsByStatus()[.succeeded] ?? 0 < jobCount {
    try await Task.sleep(for: .milliseconds(5))
}
let workSeconds = now() - workStart

// 3. Pickup latency of an idle engine, one job at a time.
var latencies: [Double] = []
for _ in 0..<pickups {
    try await Task.sleep(for: .milliseconds(20))
    let submitted = now()
    let id = try await jobs.enqueue(kind: kind, request: "{}", idempotencyKey: nil, maxAttempts: 3).job.id
    var started: Double?
    let deadline = submitted + 5
    while started == nil && now() < deadline {
        started = startedAt.withLock { $0[id] }
        if started == nil { try await Task.sleep(for: .microseconds(200)) }
    }
    latencies.append(((started ?? deadline) - submitted) * 1000)
}
// A graceful stop, as the server's: cancelling mid-claim would only log CancellationErrors.
engine.stop()
try await running.value

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}
print(
    String(
        format: "accepted_per_s=%.0f worked_per_s=%.0f pickup_p50_ms=%.2f pickup_p99_ms=%.2f jobs=%d enqueuers=%d workers=%d pickups=%d",
        Double(jobCount) / acceptSeconds, Double(jobCount) / workSeconds, percentile(latencies, 0.5), percentile(latencies, 0.99),
        jobCount, enqueuers, workerCount, pickups))
exit(0)
