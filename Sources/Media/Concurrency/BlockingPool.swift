import Foundation
import Synchronization

/// A bounded set of threads for blocking media work: at most `width` jobs run at once,
/// the others wait in arrival order. Threads start when there is work and end when the
/// queue is empty, so an idle server holds none. Work cancelled while it waits is
/// answered at once with `cancelled`, without a thread.
final class BlockingPool: Sendable {
    /// The pool behind `BlockingWork.run`, as wide as `MediaLimits.blockingWorkers`.
    static let shared = BlockingPool(width: { MediaLimits.blockingWorkers })

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

    private let state = Mutex(State())
    /// Read at every start, so a changed setting applies to the next job.
    private let width: @Sendable () -> Int

    init(width: @escaping @Sendable () -> Int) {
        self.width = width
    }

    /// Runs `work` on the pool and returns its result. Cancelling the task sets the
    /// work's flag (which inputs it opens also watch), or withdraws it if it still waits.
    func run<T: Sendable>(name: String, _ work: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                submit(Job(name: name, flag: flag,
                           run: { continuation.resume(with: Result { try CurrentCancellation.with(flag) { try work(flag) } }) },
                           refuse: { continuation.resume(throwing: MediaError.cancelled()) }))
            }
        } onCancel: {
            flag.cancel()
            withdraw(flag)
        }
    }

    /// How many jobs run and wait now.
    var load: (running: Int, waiting: Int) {
        state.withLock { ($0.running, $0.waiting.count) }
    }

    /// Starts `job` now if a thread is free, else queues it. A job whose flag is already
    /// set is refused: the flag is read under the lock that `withdraw` takes after
    /// setting it, so a cancel is never missed between the two.
    private func submit(_ job: Job) {
        enum Decision { case start(Job), queued, refused }
        let limit = max(1, width())
        let decision: Decision = state.withLock { state in
            if job.flag.isCancelled { return .refused }
            state.waiting.append(job)
            guard state.running < limit else { return .queued }
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

    private func startThread(with first: Job) {
        let thread = Thread { [self] in
            var next: Job? = first
            while let job = next {
                Thread.current.name = job.name
                job.run()
                let limit = max(1, width())
                next = state.withLock { state in
                    // A lowered width ends surplus threads as they finish.
                    if state.running <= limit, !state.waiting.isEmpty {
                        return state.waiting.removeFirst()
                    }
                    state.running -= 1
                    return nil
                }
            }
        }
        thread.name = first.name
        thread.stackSize = 4 << 20
        thread.start()
    }
}
