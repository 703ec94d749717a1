import Logging
import Synchronization

/// The notifications of a PostgreSQL write transaction, sent in one statement of their own
/// after it committed. A NOTIFY inside the transaction would hold PostgreSQL's global
/// notification lock through the commit's WAL flush, so every notifying commit in the
/// database would wait for the one before it (measured: 3 to 4 times fewer jobs queued a
/// second with 8 clients). Sent after the commit it writes no WAL and holds that lock
/// for an instant. Listeners see the same thing either way: nothing from a transaction
/// that rolled back, and the rows already there when the notification arrives. If the
/// process dies between the commit and this statement, the workers' 1 s poll finds the job.
final class NotificationsAfterCommit: Sendable {
    private let pending = Mutex<[(channel: String, payload: String)]>([])

    func add(channel: String, payload: String) {
        pending.withLock { list in
            // PostgreSQL folds identical notifications of a transaction into one; so does this.
            if !list.contains(where: { $0.channel == channel && $0.payload == payload }) { list.append((channel, payload)) }
        }
    }

    /// Sends them all in one statement and waits for it, so a process's notifications
    /// arrive in the order its transactions committed. The transaction is committed
    /// whatever happens here: a failure is logged, not thrown.
    func send(on connection: PostgresEngine.Connection) {
        let notifications = pending.withLock { $0 }
        guard !notifications.isEmpty else { return }
        let calls = Array(repeating: "pg_notify(?, ?)", count: notifications.count).joined(separator: ", ")
        do {
            try connection.execute("SELECT \(calls)", SQLArguments(notifications.flatMap { [SQLValue.text($0.channel), .text($0.payload)] }))
        } catch {
            connection.logger.warning(
                "a committed transaction's notifications were not sent; listeners find its rows at their next poll",
                metadata: ["error": "\(error)"])
        }
    }
}
