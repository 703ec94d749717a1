import Synchronization

/// A bounded in-memory copy of recently read rows, for the hottest lookup (a client
/// polling `GET /api/jobs/{id}`). It is correct because this process is the only writer
/// (the data directory lock): every write invalidates the rows it changed after it
/// commits, and a read only fills the cache if no invalidation of that row happened
/// while it was reading, so a value read before a commit can never outlive it.
final class RecordCache<Value: Sendable>: Sendable {
    private struct State {
        var values: [String: Value] = [:]
        /// Bumped by every invalidation of the key (and all of them by `invalidateAll`).
        var generations: [String: UInt64] = [:]
        var epoch: UInt64 = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// The cached value, or `load()`'s, which is kept unless the key changed meanwhile.
    func value(for key: String, load: () throws -> Value?) rethrows -> Value? {
        let (cached, stamp) = state.withLock { ($0.values[key], ($0.epoch, $0.generations[key] ?? 0)) }
        if let cached { return cached }
        let loaded = try load()
        if let loaded {
            state.withLock { state in
                guard (state.epoch, state.generations[key] ?? 0) == stamp else { return }
                if state.values.count >= capacity { state.values.removeAll(keepingCapacity: true) }
                state.values[key] = loaded
            }
        }
        return loaded
    }

    func invalidate(_ key: String) {
        state.withLock { state in
            state.values[key] = nil
            state.generations[key, default: 0] += 1
            if state.generations.count > capacity * 4 {
                // Forget old counters; the epoch keeps every in-flight read from filling.
                state.generations.removeAll(keepingCapacity: true)
                state.epoch += 1
            }
        }
    }

    func invalidateAll() {
        state.withLock { state in
            state.values.removeAll(keepingCapacity: true)
            state.epoch += 1
        }
    }
}
