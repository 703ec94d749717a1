import Foundation
import Synchronization

/// Keys that authenticated in the last seconds, by their peppered hash, so that a client's
/// every request is not a database read: with it an API key costs a request one HMAC and
/// one dictionary lookup. A key revoked through this process is forgotten at once; one
/// revoked elsewhere (the command line, another server on the same database) is refused
/// here within `lifetimeSeconds`.
final class RecentlyAuthenticatedKeys: Sendable {
    private struct Entry {
        let record: APIKeyRecord
        let until: Double
    }

    private let entries = Mutex<[String: Entry]>([:])
    let lifetimeSeconds: Double
    /// Past this many entries the table is emptied (a rare flood of distinct keys costs reads, not memory).
    let maxEntries: Int

    init(lifetimeSeconds: Double = 2, maxEntries: Int = 10_000) {
        self.lifetimeSeconds = lifetimeSeconds
        self.maxEntries = maxEntries
    }

    func find(hash: String, now: Double = Date().timeIntervalSince1970) -> APIKeyRecord? {
        entries.withLock { entries in
            guard let entry = entries[hash] else { return nil }
            guard now < entry.until else {
                entries[hash] = nil
                return nil
            }
            return entry.record
        }
    }

    func remember(_ record: APIKeyRecord, hash: String, now: Double = Date().timeIntervalSince1970) {
        entries.withLock { entries in
            if entries.count >= maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[hash] = Entry(record: record, until: now + lifetimeSeconds)
        }
    }

    func forget(keyID: String) {
        entries.withLock { entries in entries = entries.filter { $0.value.record.id != keyID } }
    }
}
