import Dispatch
import Logging
import Synchronization

/// Wake-up notifications (`jobs_queued` with a job kind) sent off the committing caller's
/// path and folded together: while one statement of them is on its way, those signalled
/// meanwhile wait and go out as the next one, each channel and payload once. An idle
/// process sends a wake-up at once, so a worker's pickup is as quick as before; a busy
/// one sends one per round trip instead of one per commit, and a commit no longer waits
/// for a notification round trip of its own.
final class CoalescedWakeups: Sendable {
    private struct State {
        var pending: Set<SQLNotification> = []
        var sending = false
    }
    private let state = Mutex(State())
    private let pool: PostgresConnectionPool

    init(pool: PostgresConnectionPool) { self.pool = pool }

    func signal(_ wakeup: SQLNotification) {
        let start = state.withLock { state in
            state.pending.insert(wakeup)
            guard !state.sending else { return false }
            state.sending = true
            return true
        }
        if start { DispatchQueue.global().async { self.drain() } }
    }

    private func drain() {
        while true {
            let batch = state.withLock { state -> [SQLNotification] in
                guard !state.pending.isEmpty else {
                    state.sending = false
                    return []
                }
                defer { state.pending = [] }
                return Array(state.pending)
            }
            guard !batch.isEmpty else { return }
            do {
                try pool.withConnection { connection in
                    try SQLNotification.send(batch, on: PostgresEngine.Connection(connection: connection, logger: pool.logger))
                }
            } catch {
                pool.logger.warning(
                    "wake-up notifications were not sent; workers find the jobs at their next poll", metadata: ["error": "\(error)"])
            }
        }
    }
}
