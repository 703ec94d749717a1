import Foundation
import Synchronization

/// Token buckets per API key, in memory: a key with a rate of N per minute holds at most
/// N tokens, gains N/60 a second, and spends one per request. A request finding less than
/// one token is refused until the next token comes. One lock, one dictionary lookup per
/// request; no database. The limiter of a server alone on its store (SQLite); API nodes
/// sharing PostgreSQL share their buckets there (`SharedRateLimiter`).
///
/// The table is bounded (`maxBuckets`): when it is full, buckets that have filled up again
/// are dropped first (a full bucket is the same as none), then the longest idle ones.
final class RateLimiter: RequestRateLimiting {
    /// What one request was told.
    struct Decision: Sendable, Equatable {
        var allowed: Bool
        /// The bucket's size: the key's requests per minute.
        var limit: Int
        /// Whole tokens left after this request.
        var remaining: Int
        /// Seconds until the bucket is full again.
        var resetSeconds: Int
        /// Seconds until the next token (at least 1), for `Retry-After` when refused.
        var retryAfterSeconds: Int

        /// What a bucket of `capacity` holding `tokens` (after this request) tells.
        init(allowed: Bool, capacity: Int, tokens: Double) {
            let perSecond = Double(capacity) / 60
            self.allowed = allowed
            limit = capacity
            remaining = Int(tokens.rounded(.down))
            resetSeconds = Int(((Double(capacity) - tokens) / perSecond).rounded(.up))
            retryAfterSeconds = max(1, Int(((1 - tokens) / perSecond).rounded(.up)))
        }
    }

    private struct Bucket {
        var tokens: Double
        var updated: Double
        var capacity: Int

        mutating func refill(at now: Double) {
            let perSecond = Double(capacity) / 60
            tokens = min(Double(capacity), tokens + max(0, now - updated) * perSecond)
            updated = now
        }
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    let maxBuckets: Int
    /// Seconds on a monotonic clock (tests give their own).
    private let clock: @Sendable () -> Double

    init(maxBuckets: Int = 10_000, clock: @escaping @Sendable () -> Double = RateLimiter.monotonicSeconds) {
        self.maxBuckets = max(1, maxBuckets)
        self.clock = clock
    }

    static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// Spends a token of `key`'s bucket of `perMinute` if there is one.
    func take(key: String, perMinute: Int) -> Decision {
        let now = clock()
        let capacity = max(1, perMinute)
        return buckets.withLock { buckets in
            var bucket: Bucket
            if var known = buckets[key] {
                known.refill(at: now)
                if known.capacity != capacity {
                    // The key's rate changed: the new size, no more tokens than it holds.
                    known.capacity = capacity
                    known.tokens = min(known.tokens, Double(capacity))
                }
                bucket = known
            } else {
                if buckets.count >= maxBuckets { Self.makeRoom(in: &buckets, now: now, target: maxBuckets) }
                bucket = Bucket(tokens: Double(capacity), updated: now, capacity: capacity)
            }
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[key] = bucket
            return Decision(allowed: allowed, capacity: capacity, tokens: bucket.tokens)
        }
    }

    /// Buckets held now (for tests and metrics).
    var count: Int { buckets.withLock { $0.count } }

    /// Drops buckets that are full again; if that frees nothing, the idle half.
    private static func makeRoom(in buckets: inout [String: Bucket], now: Double, target: Int) {
        for (key, var bucket) in buckets {
            bucket.refill(at: now)
            if bucket.tokens >= Double(bucket.capacity) { buckets[key] = nil }
        }
        guard buckets.count >= target else { return }
        let idle = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(max(1, buckets.count / 2))
        for (key, _) in idle { buckets[key] = nil }
    }
}
