import Foundation
import Logging
import Media
import ServiceLifecycle
import Synchronization

/// How the engine runs jobs.
public struct JobEngineSettings: Sendable {
    /// Jobs run at once. Renders use every core they get, so the default is the core count.
    /// 0 makes an accept-only node: it runs no jobs of any kind.
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// More workers for the kinds that wait on generation providers (scenes, images, clips,
    /// music videos): they mostly wait, so they do not count against `workers`. 0 puts
    /// them on the render workers.
    public var generationWorkers = 8
    /// A running job's lease: if its worker stops renewing it (the process died), the job
    /// is taken again once it runs out — within 21 s of the death by default.
    public var leaseSeconds = 20.0
    public var heartbeatSeconds = 20.0 / 6
    /// Which jobs this process runs: renders (merges, analyses) and the kinds that wait on
    /// generation providers. A `merge-server worker --kinds render` runs only the first.
    public var runsRenderJobs = true
    public var runsGenerationJobs = true
    /// Transient failures are retried after retryBase·2^(attempt−1) seconds (with jitter).
    public var retryBaseSeconds = 2.0
    public var maxAttempts = 3
    /// Finished jobs and their outputs are kept this long.
    public var retentionSeconds = 7 * 24 * 3600.0
    /// How often idle workers look for due retries when nothing wakes them.
    public var pollSeconds = 1.0

    public init() {}
}

/// The worker pool over the durable queue. Workers claim jobs under a lease, renew it
/// while they run, stream progress to the database (throttled) and to SSE subscribers,
/// and end each job once. A graceful shutdown stops running jobs and puts them back in
/// the queue (their partial output is removed by the renderer), so nothing is lost.
public final class JobEngine: Service, Sendable {
    let jobs: JobRepository
    let events: JobEventHub
    let handlers: [String: any JobHandler]
    let settings: JobEngineSettings
    let logger: Logger
    /// This process's name on the leases it holds.
    public let owner = "engine-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"

    private let running = Mutex<[String: JobControl]>([:])
    private let stopping = Atomic<Bool>(false)
    /// The kinds that wait on providers, and the workers that run only them (0: none, they
    /// share the render workers).
    private let providerKinds: [String]
    public let generationWorkerCount: Int
    /// One signal per pool, so a new job wakes only workers that can take it.
    private let renderWake = WakeSignal()
    private let generationWake = WakeSignal()
    /// Failure messages are stored with paths under it made relative (and other absolute
    /// paths cut to their file names): a caller learns nothing of the server's disk.
    let dataDirectory: String?
    /// Where outputs are stored: an attempt whose end is refused removes its own from it.
    let media: MediaLibrary?

    // Swift 6.3's optimizer crashes on this initializer (an ownership error in
    // CopyPropagation, release builds only); it runs once per process, so it is not optimized.
    @_optimize(none)
    public init(
        jobs: JobRepository, events: JobEventHub, handlers: [any JobHandler], settings: JobEngineSettings, logger: Logger,
        dataDirectory: String? = nil, media: MediaLibrary? = nil
    ) {
        let table = Dictionary(handlers.map { ($0.kind.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        let waiting = table.values.map(\.kind).filter(\.waitsOnProviders).map(\.rawValue).sorted()
        self.jobs = jobs
        self.events = events
        self.handlers = table
        self.settings = settings
        self.logger = logger
        self.dataDirectory = dataDirectory
        self.media = media
        providerKinds = waiting
        generationWorkerCount = settings.workers > 0 && settings.runsGenerationJobs && !waiting.isEmpty ? settings.generationWorkers : 0
    }

    /// Every worker of this process.
    public var workerCount: Int { (settings.runsRenderJobs ? settings.workers : 0) + generationWorkerCount }

    /// Jobs running in this process now.
    public var busyWorkers: Int { running.withLock { $0.count } }

    public func run() async throws {
        guard settings.workers > 0 else {
            // Accept-only node: jobs wait in the queue for a process that runs them.
            try? await gracefulShutdown()
            return
        }
        let renderKinds: JobRepository.KindFilter =
            generationWorkerCount > 0 || !settings.runsGenerationJobs ? .excluding(providerKinds) : .any
        let renderWorkers = settings.runsRenderJobs ? settings.workers : 0
        // Jobs queued by any process wake these workers (PostgreSQL's NOTIFY); the poll
        // stays as the backstop for a lost notification and for retries coming due.
        let listener: (any SQLListening)?
        do {
            listener = try await jobs.database.listen(JobRepository.queuedChannel) { [weak self] kind in self?.wake(kind: kind) }
        } catch {
            logger.warning("no wake-ups from the store; workers poll every \(settings.pollSeconds) s: \(error)")
            listener = nil
        }
        defer { listener?.stop() }
        let presence = Task { await announcePresence(in: WorkerRegistry(database: jobs.database)) }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for index in 0..<renderWorkers {
                    group.addTask { await self.workLoop(worker: "\(index)", kinds: renderKinds, wake: self.renderWake) }
                }
                for index in 0..<generationWorkerCount {
                    group.addTask {
                        await self.workLoop(worker: "generation-\(index)", kinds: .only(self.providerKinds), wake: self.generationWake)
                    }
                }
            }
        } onGracefulShutdown: {
            self.stop()
        }
        // Off the list before the process ends, not a minute later.
        presence.cancel()
        await presence.value
    }

    /// Stops taking jobs and hands the running ones back to the queue.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        for control in running.withLock({ Array($0.values) }) { control.stop(.shutdown) }
        renderWake.wakeAll()
        generationWake.wakeAll()
    }

    /// Tells the idle workers that can run it that a job of `kind` was queued.
    public func wake(kind: String) {
        (generationWorkerCount > 0 && providerKinds.contains(kind) ? generationWake : renderWake).wakeAll()
    }

    /// Cancels a job: a queued one at once, a running one within a second.
    public func cancel(_ id: String) async throws -> JobRepository.CancelOutcome {
        let outcome = try await jobs.requestCancel(id, retention: settings.retentionSeconds)
        switch outcome {
        case .canceled(let job):
            publishEnd(job)
        case .requested:
            running.withLock { $0[id] }?.stop(.canceledByUser)
        case .alreadyEnded, .notFound:
            break
        }
        return outcome
    }

    /// Claims a job with `claim` (told the jobs this process runs, which it must not take)
    /// and runs it while the caller waits, as a worker would: how a chunked render's parent
    /// works on its own parts. False when there was nothing to claim.
    func runClaimed(_ claim: @escaping @Sendable (Set<String>) async throws -> JobRecord?) async throws -> Bool {
        let mine = running.withLock { Set($0.keys) }
        // The claim and the run are tasks of their own: a cancel of the caller must not drop a
        // claim that committed, nor the writes that end the job (its own control stops it).
        guard let job = try await Task(operation: { try await claim(mine) }).value else { return false }
        let callerStopping = Task.isCancelled
        await Task {
            guard callerStopping else { return await self.execute(job) }
            // The job goes back to the queue as it was (or ends, if it was canceled meanwhile).
            _ = try? await self.jobs.requeue(job.attempt, runAfter: Date().timeIntervalSince1970, failure: nil, countAttempt: false)
            if (try? await self.jobs.find(job.id))??.cancelRequested == true { _ = try? await self.cancel(job.id) }
        }.value
        return true
    }

    private func workLoop(worker: String, kinds: JobRepository.KindFilter, wake: WakeSignal) async {
        while !stopping.load(ordering: .relaxed) {
            do {
                // Never this process's own jobs: a stalled attempt may still be working.
                let mine = running.withLock { Set($0.keys) }
                if let job = try await jobs.claim(owner: owner, leaseSeconds: settings.leaseSeconds, kinds: kinds, excluding: mine) {
                    await execute(job)
                    continue
                }
            } catch {
                logger.error("could not claim a job", metadata: ["error": "\(error)", "worker": "\(worker)"])
            }
            await wake.wait(upTo: .seconds(settings.pollSeconds))
        }
    }

    private func execute(_ job: JobRecord) async {
        var logger = logger
        logger[metadataKey: "job_id"] = "\(job.id)"
        guard let handler = handlers[job.kind] else {
            await conclude(job, failure: JobFailure(type: "unsupported", message: "this server cannot run \(job.kind) jobs"), logger: logger)
            return
        }
        if job.attempts > job.maxAttempts {
            await conclude(
                job,
                failure: JobFailure(
                    type: "interrupted", message: "the job was interrupted \(job.attempts - 1) times (the server stopped while it ran)",
                    suggestion: "submit it again; if it keeps happening, check the server's memory and logs"), logger: logger)
            return
        }
        let control = JobControl()
        running.withLock { $0[job.id] = control }
        defer {
            running.withLock { $0[job.id] = nil }
            // A key's job ended: one of its jobs held back by max_concurrent may start now.
            if job.ownerKeyID != nil {
                renderWake.wakeAll()
                generationWake.wakeAll()
            }
        }
        if stopping.load(ordering: .relaxed) { control.stop(.shutdown) }

        logger.info("job started", metadata: ["kind": "\(job.kind)", "attempt": "\(job.attempts)"])
        await publishStatus(job.id)
        let (progressStream, progressInput) = AsyncStream<MediaProgress>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let work = Task {
            try await handler.run(job, progress: { progressInput.yield($0) })
        }
        control.attach(work)
        let monitor = Task { await self.monitor(job, control: control, progress: progressStream) }
        let outcome = await work.result
        progressInput.finish()
        monitor.cancel()
        await monitor.value

        // A write of the handler (checkpoint, cost) refused as stale: the lease is lost.
        if case .failure(let error) = outcome, error is LeaseLost { control.stop(.leaseLost) }
        switch (outcome, control.reason) {
        case (_, .leaseLost?):
            if case .success(let output) = outcome { await discard(output) }
            logger.warning("lost the job's lease; another attempt owns it now, this one's result is dropped")
        case (.success(let output), _):
            do {
                let done = try await jobs.succeed(
                    job.attempt, result: output.result, video: output.video,
                    retention: settings.retentionSeconds)
                let seconds = Date().timeIntervalSince1970 - (job.startedAt ?? job.createdAt)
                logger.info("job succeeded", metadata: ["seconds": "\(String(format: "%.2f", seconds))"])
                ServerMetrics.recordJob(kind: job.kind, status: .succeeded, seconds: seconds)
                publishEnd(done)
            } catch is LeaseLost {
                await discard(output)
                logger.warning("lost the job's lease before its result was recorded; another attempt owns it now")
            } catch {
                logger.error("could not record the job's result", metadata: ["error": "\(error)"])
            }
        case (.failure, .shutdown?):
            _ = try? await jobs.requeue(job.attempt, runAfter: Date().timeIntervalSince1970, failure: nil, countAttempt: false)
            logger.info("job checkpointed back to the queue for the next start")
        case (.failure, .canceledByUser?):
            await conclude(
                job, status: .canceled, failure: JobFailure(type: "canceled", message: "canceled by request; no output was kept"),
                logger: logger)
        case (.failure(let error), nil):
            let failure = JobFailure(error).sanitized(dataDirectory: dataDirectory)
            if failure.transient && job.attempts < job.maxAttempts {
                let delay = settings.retryBaseSeconds * pow(2, Double(job.attempts - 1)) * Double.random(in: 0.8...1.2)
                logger.warning("job failed, retrying", metadata: ["error": "\(failure.message)", "retry_in": "\(String(format: "%.1f", delay))"])
                _ = try? await jobs.requeue(
                    job.attempt, runAfter: Date().timeIntervalSince1970 + delay,
                    failure: failure, countAttempt: true)
                await publishStatus(job.id)
            } else {
                await conclude(job, failure: failure, logger: logger)
            }
        }
    }

    /// Ends a job as failed (or canceled) and tells its subscribers.
    private func conclude(_ job: JobRecord, status: JobStatus = .failed, failure: JobFailure, logger: Logger) async {
        do {
            let ended = try await jobs.finish(job.attempt, status: status, failure: failure, retention: settings.retentionSeconds)
            logger.info("job \(status.rawValue)", metadata: ["error": "\(failure.message)"])
            ServerMetrics.recordJob(
                kind: job.kind, status: status,
                seconds: Date().timeIntervalSince1970 - (job.startedAt ?? job.createdAt))
            publishEnd(ended)
        } catch is LeaseLost {
            logger.warning("lost the job's lease before its end was recorded; another attempt owns it now")
        } catch {
            logger.error("could not record the job's end", metadata: ["error": "\(error)"])
        }
    }

    /// While a job runs: publish its progress, write it to the database at most once a
    /// second, and renew the lease (which also tells of a cancel asked elsewhere).
    private func monitor(_ job: JobRecord, control: JobControl, progress: AsyncStream<MediaProgress>) async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                var lastWrite = ContinuousClock.now - .seconds(10)
                for await update in progress {
                    self.events.publish(
                        job: job.id, name: "progress",
                        data: Self.json(
                            JobProgressEvent(
                                progress: (update.fraction * 1000).rounded() / 1000, stage: update.stage,
                                etaSeconds: update.etaSeconds.map { ($0 * 10).rounded() / 10 })))
                    if ContinuousClock.now - lastWrite >= .seconds(1) || update.fraction >= 1 {
                        lastWrite = .now
                        do {
                            try await self.jobs.updateProgress(
                                job.attempt, progress: update.fraction,
                                stage: update.stage, etaSeconds: update.etaSeconds)
                        } catch is LeaseLost {
                            control.stop(.leaseLost)
                        } catch {
                            // A progress write is best effort; the next one says more.
                        }
                    }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(self.settings.heartbeatSeconds))
                    if Task.isCancelled { break }
                    do {
                        if try await self.jobs.renewLease(job.attempt, leaseSeconds: self.settings.leaseSeconds) {
                            control.stop(.canceledByUser)
                        }
                    } catch is LeaseLost {
                        // Another attempt owns the job: stop this one (its provider calls are cancelled with it).
                        control.stop(.leaseLost)
                        break
                    } catch {
                        // The database is busy or gone; the next beat tries again before the lease runs out.
                        self.logger.warning("could not renew a job's lease", metadata: ["job_id": "\(job.id)", "error": "\(error)"])
                    }
                }
            }
        }
    }

    private func publishStatus(_ id: String) async {
        if let job = try? await jobs.find(id) {
            events.publish(job: id, name: "status", data: Self.json(JobResource(job)))
        }
    }

    private func publishEnd(_ job: JobRecord) {
        let data = Self.json(JobResource(job))
        events.publish(job: job.id, name: "status", data: data)
        events.publish(job: job.id, name: "done", data: data, final: true)
    }

    static func json(_ value: some Encodable) -> String {
        (try? String(decoding: JSONEncoder.api.encode(value), as: UTF8.self)) ?? "{}"
    }
}

/// Why a running job is being stopped.
enum StopReason: Sendable, Equatable {
    case canceledByUser, shutdown, leaseLost
}

/// The handle on a running job's task: the first stop reason wins and cancels it.
final class JobControl: Sendable {
    private let state = Mutex<(reason: StopReason?, task: Task<JobOutput, any Error>?)>((nil, nil))

    var reason: StopReason? { state.withLock { $0.reason } }

    func attach(_ task: Task<JobOutput, any Error>) {
        let stopNow = state.withLock { state -> Bool in
            state.task = task
            return state.reason != nil
        }
        if stopNow { task.cancel() }
    }

    func stop(_ reason: StopReason) {
        let task = state.withLock { state -> Task<JobOutput, any Error>? in
            if state.reason == nil { state.reason = reason }
            return state.task
        }
        task?.cancel()
    }
}

/// Lets idle workers sleep until a job is queued (or `upTo` passes).
final class WakeSignal: Sendable {
    private struct State {
        var next: UInt64 = 0
        var waiting: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Waits whose time ran out before they started waiting.
        var expired: Set<UInt64> = []
    }

    private let state = Mutex(State())

    func wait(upTo timeout: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.next += 1
            return state.next
        }
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            self.expire(id)
        }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.expired.remove(id) != nil { return true }
                state.waiting[id] = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer.cancel()
        state.withLock { _ = $0.expired.remove(id) }
    }

    func wakeAll() {
        let all = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for continuation in all { continuation.resume() }
    }

    private func expire(_ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let continuation = state.waiting.removeValue(forKey: id) { return continuation }
            state.expired.insert(id)
            return nil
        }
        continuation?.resume()
    }
}
