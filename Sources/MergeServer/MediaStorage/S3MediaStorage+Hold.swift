import Foundation
import Synchronization

extension S3MediaStorage {
    /// The cached copy of `key` (downloaded if missing), held in the cache until
    /// `cache.release(key:)`: for work that outlives one call (a render, a response body).
    func acquire(key: String) async throws -> String {
        try MediaStorageKey.validate(key)
        let client = client
        do {
            return try await cache.acquire(key: key, fill: { path in _ = try await client.get(key: key, to: path) })
        } catch S3Error.notFound {
            throw MediaStorageError.notFound(key: key)
        }
    }
}

/// One hold on a cached object, released once: when the response body that streams it
/// is written out, or dropped unwritten (a client that left first).
final class CacheHold: Sendable {
    let cache: BoundedFileCache
    let key: String
    private let released = Atomic<Bool>(false)

    init(cache: BoundedFileCache, key: String) {
        self.cache = cache
        self.key = key
    }

    func release() async {
        guard !released.exchange(true, ordering: .relaxed) else { return }
        await cache.release(key: key)
    }

    deinit {
        guard !released.load(ordering: .relaxed) else { return }
        let cache = cache
        let key = key
        Task { await cache.release(key: key) }
    }
}
