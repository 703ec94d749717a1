import Logging
import Synchronization

/// The notifications of a PostgreSQL write transaction, sent after it committed. A NOTIFY
/// inside the transaction would hold PostgreSQL's global notification lock through the
/// commit's WAL flush, so every notifying commit in the database would wait for the one
/// before it (measured with pgbench, 8 clients: 3 to 4 times fewer enqueues a second).
/// Sent after the commit it writes no WAL and holds that lock for an instant. Listeners
/// see the same thing either way: nothing from a transaction that rolled back, and the
/// rows already there when the notification arrives. If the process dies between the
/// commit and the notification, the workers' 1 s poll finds the job.
final class NotificationsAfterCommit: Sendable {
    private struct Pending {
        var events: [SQLNotification] = []
        var wakeups: [SQLNotification] = []
    }
    private let pending = Mutex(Pending())
    private let wakeups: CoalescedWakeups

    init(wakeups: CoalescedWakeups) { self.wakeups = wakeups }

    /// `wakeOnly`: interchangeable with any other of its channel and payload (see `CoalescedWakeups`).
    func add(channel: String, payload: String, wakeOnly: Bool = false) {
        let notification = SQLNotification(channel: channel, payload: payload)
        pending.withLock { pending in
            // PostgreSQL folds identical notifications of a transaction into one; so does this.
            if wakeOnly {
                if !pending.wakeups.contains(notification) { pending.wakeups.append(notification) }
            } else if !pending.events.contains(notification) {
                pending.events.append(notification)
            }
        }
    }

    /// Hands the wake-ups over, then sends the other notifications in one statement and
    /// waits for it, so a process's events arrive in the order its transactions committed.
    /// The transaction is committed whatever happens here: a failure is logged, not thrown.
    func send(on connection: PostgresEngine.Connection) {
        let pending = pending.withLock { $0 }
        for wakeup in pending.wakeups { wakeups.signal(wakeup) }
        guard !pending.events.isEmpty else { return }
        do {
            try SQLNotification.send(pending.events, on: connection)
        } catch {
            connection.logger.warning(
                "a committed transaction's notifications were not sent; listeners find its rows at their next poll",
                metadata: ["error": "\(error)"])
        }
    }
}

/// One notification: a channel and its payload.
struct SQLNotification: Hashable, Sendable {
    let channel: String
    let payload: String

    /// Sends `notifications` in one statement.
    static func send(_ notifications: [SQLNotification], on connection: any SQLConnection) throws {
        let calls = Array(repeating: "pg_notify(?, ?)", count: notifications.count).joined(separator: ", ")
        try connection.execute("SELECT \(calls)", SQLArguments(notifications.flatMap { [SQLValue.text($0.channel), .text($0.payload)] }))
    }
}
