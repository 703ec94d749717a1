import Foundation
import Synchronization

/// SQLite's stand-in for LISTEN/NOTIFY: the writers are all in this process, so a
/// notification goes to this process's listeners once its transaction committed.
final class LocalNotifications: Sendable {
    private struct Listener {
        let channel: String
        let handler: @Sendable (String) -> Void
    }

    private let listeners = Mutex<[UUID: Listener]>([:])

    func add(channel: String, _ handler: @escaping @Sendable (String) -> Void) -> any SQLListening {
        let id = UUID()
        listeners.withLock { $0[id] = Listener(channel: channel, handler: handler) }
        return Subscription { [weak self] in _ = self?.listeners.withLock { $0.removeValue(forKey: id) } }
    }

    func deliver(_ notifications: [(channel: String, payload: String)]) {
        guard !notifications.isEmpty else { return }
        let current = listeners.withLock { Array($0.values) }
        for notification in notifications {
            for listener in current where listener.channel == notification.channel { listener.handler(notification.payload) }
        }
    }

    private struct Subscription: SQLListening {
        let cancel: @Sendable () -> Void
        func stop() { cancel() }
    }
}

/// The notifications of one SQLite write transaction, sent when it commits.
final class PendingNotifications: @unchecked Sendable {
    // Used by one transaction on one thread at a time (GRDB's writer).
    private var notifications: [(channel: String, payload: String)] = []

    func add(channel: String, payload: String) { notifications.append((channel, payload)) }

    func drain() -> [(channel: String, payload: String)] {
        defer { notifications = [] }
        return notifications
    }
}
