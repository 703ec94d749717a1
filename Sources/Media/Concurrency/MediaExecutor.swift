import Foundation
import Synchronization

/// Where Media's blocking work runs: at most `width` threads, fed in arrival order from
/// a queue. The caller sizes each executor for its work — one thread per render worker,
/// a small pool for probes and analyses — so blocking FFmpeg calls never sit on Swift's
/// cooperative pool and never grow without bound. Threads start when there is work and
/// end when the queue is empty, so an idle process holds none.
///
/// Task cancellation reaches the work's `CancellationFlag` (which every input it opens
/// also watches, so even a call blocked inside FFmpeg stops); work cancelled while it
/// still waits is answered at once with `cancelled`, without a thread.
public final class MediaExecutor: Sendable {
    /// One piece of work. Exactly one of `run` and `refuse` is called, once: `run` by
    /// the thread that took it, `refuse` by whoever removed it from the queue instead.
    private struct Job: Sendable {
        let name: String
        let flag: CancellationFlag
        let run: @Sendable () -> Void
        let refuse: @Sendable () -> Void
    }

    private struct State {
        var waiting: [Job] = []
        var running = 0
    }

    /// The threads' name prefix (`render`, `media`), seen in a debugger and in `top -H`.
    public let name: String
    /// Work that runs at once; more waits.
    public let width: Int
    private let state = Mutex(State())

    public init(name: String, width: Int) {
        self.name = name
        self.width = max(1, width)
    }

    /// Runs `work` on one of the executor's threads and returns its result.
    public func run<T: Sendable>(
        _ task: String,
        _ work: @escaping @Sendable (CancellationFlag) throws(MediaError) -> T
    ) async throws(MediaError) -> T {
        let flag = CancellationFlag()
        let result: Result<T, MediaError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                submit(
                    Job(
                        name: "\(name)-\(task)", flag: flag,
                        run: {
                            continuation.resume(
                                returning: Result { () throws(MediaError) in
                                    try CurrentCancellation.with(flag) { () throws(MediaError) in try work(flag) }
                                })
                        },
                        refuse: { continuation.resume(returning: .failure(MediaError.cancelled())) }))
            }
        } onCancel: {
            flag.cancel()
            withdraw(flag)
        }
        return try result.get()
    }

    /// How many jobs run and wait now.
    public var load: (running: Int, waiting: Int) {
        state.withLock { ($0.running, $0.waiting.count) }
    }

    /// Starts `job` now if a thread is free, else queues it. A job whose flag is already
    /// set is refused: the flag is read under the lock that `withdraw` takes after
    /// setting it, so a cancel is never missed between the two.
    private func submit(_ job: Job) {
        enum Decision {
            case start(Job)
            case queued, refused
        }
        let decision: Decision = state.withLock { state in
            if job.flag.isCancelled { return .refused }
            state.waiting.append(job)
            guard state.running < width else { return .queued }
            state.running += 1
            return .start(state.waiting.removeFirst())
        }
        switch decision {
        case .start(let first): startThread(with: first)
        case .queued: break
        case .refused: job.refuse()
        }
    }

    /// Removes the waiting jobs of `flag` and refuses them; a running one sees the flag.
    private func withdraw(_ flag: CancellationFlag) {
        let removed: [Job] = state.withLock { state in
            let mine = state.waiting.filter { $0.flag === flag }
            if !mine.isEmpty { state.waiting.removeAll { $0.flag === flag } }
            return mine
        }
        for job in removed { job.refuse() }
    }

    /// A thread that runs `first`, then whatever waits, and ends when nothing does.
    private func startThread(with first: Job) {
        let thread = Thread { [self] in
            var next: Job? = first
            while let job = next {
                Thread.current.name = job.name
                job.run()
                next = state.withLock { state in
                    if !state.waiting.isEmpty { return state.waiting.removeFirst() }
                    state.running -= 1
                    return nil
                }
            }
        }
        thread.name = first.name
        // FFmpeg's decoders and filters want more than Foundation's default 512 KiB.
        thread.stackSize = 4 << 20
        thread.start()
    }
}
