import Foundation
import Logging
import Synchronization

/// Each API key's token bucket kept in the shared store, so a key limited to N requests a
/// minute gets N across every API node, not N per node. The bucket is one row of
/// `rate_buckets`, refilled and spent by one upsert, timed by the database's clock (the
/// nodes' clocks need not agree). PostgreSQL keeps that table UNLOGGED: a bucket is not
/// worth a WAL flush, and a crash that empties the table only hands out full buckets.
///
/// A refused key is refused here, without the store, until its next token is due, so a
/// client hammering past its rate costs one statement per token, not one per request.
/// When the store does not answer, this node's own buckets decide (`RateLimiter`): a
/// limit per node for that while, rather than refusing every request.
final class SharedRateLimiter: RequestRateLimiting {
    private let database: Database
    private let logger: Logger
    private let fallback = RateLimiter()
    /// Keys refused lately: until when, on this process's monotonic clock, and the bucket's size.
    private let refused = Mutex<[String: (until: Double, capacity: Int)]>([:])
    private let lastWarning = Mutex<Double>(-.infinity)
    static let maxRemembered = 10_000

    init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    func take(key: String, perMinute: Int) async -> RateLimiter.Decision {
        let capacity = max(1, perMinute)
        let now = RateLimiter.monotonicSeconds()
        if let waiting = refused.withLock({ $0[key] }), waiting.capacity == capacity, waiting.until > now {
            // No token yet: the bucket holds less than one, `until - now` seconds' worth short.
            return RateLimiter.Decision(allowed: false, capacity: capacity, tokens: 1 - (waiting.until - now) * Double(capacity) / 60)
        }
        do {
            let row = try database.read { db in try db.fetchOne(Self.upsert, [key, capacity, capacity - 1]) }
            guard let row else { throw StoreInconsistency("the rate bucket's upsert returned no row") }
            let tokens: Double = row["tokens"]
            let allowed = (row["allowed"] as Int) == 1
            let decision = RateLimiter.Decision(allowed: allowed, capacity: capacity, tokens: tokens)
            refused.withLock { refused in
                if allowed {
                    refused[key] = nil
                } else {
                    if refused.count >= Self.maxRemembered { refused = refused.filter { $0.value.until > now } }
                    refused[key] = (now + (1 - tokens) * 60 / Double(capacity), capacity)
                }
            }
            return decision
        } catch {
            warn(error, now: now)
            return fallback.take(key: key, perMinute: perMinute)
        }
    }

    /// Refills the key's bucket for the time since its last request, spends a token if it
    /// holds one, and says whether it did (the SET expressions all read the row as it was).
    /// A key's first request makes its bucket, full but for that request's token.
    static let upsert = """
        INSERT INTO rate_buckets AS b (key_id, capacity, tokens, updated_at, allowed)
        VALUES (?, ?, ?, EXTRACT(EPOCH FROM clock_timestamp())::DOUBLE PRECISION, 1)
        ON CONFLICT (key_id) DO UPDATE SET
            tokens = LEAST(excluded.capacity, b.tokens + GREATEST(0, excluded.updated_at - b.updated_at) * excluded.capacity / 60.0)
                - CASE WHEN LEAST(excluded.capacity, b.tokens + GREATEST(0, excluded.updated_at - b.updated_at) * excluded.capacity / 60.0) >= 1
                       THEN 1 ELSE 0 END,
            allowed = CASE WHEN LEAST(excluded.capacity, b.tokens + GREATEST(0, excluded.updated_at - b.updated_at) * excluded.capacity / 60.0) >= 1
                           THEN 1 ELSE 0 END,
            capacity = excluded.capacity,
            updated_at = excluded.updated_at
        RETURNING tokens, allowed
        """

    /// At most one line a minute while the store fails.
    private func warn(_ error: any Error, now: Double) {
        let due = lastWarning.withLock { last in
            guard now - last >= 60 else { return false }
            last = now
            return true
        }
        if due {
            logger.warning(
                "the shared rate buckets are out of reach; this node limits keys on its own meanwhile", metadata: ["error": "\(error)"])
        }
    }
}
