import Synchronization

/// How many jobs are queued, for the `maxQueued` check of new submissions, without
/// counting the queue for each of them: a count costs as many index entries as there are
/// queued jobs (up to the limit), and at a few thousand submissions a second it took a
/// quarter of PostgreSQL's time. Far below the limit the last count plus what this
/// process queued since is enough; near it (or when the count is old) the queue is
/// counted again, every time.
///
/// Other processes' submissions are not in the estimate until the next count, so the
/// limit may be passed by what all nodes queue in `maxAge`, only when they all started
/// below `Self.trusted` of it; near the limit by the submissions committing at that very
/// moment. The limit is back-pressure against a runaway client, not an exact quota.
final class QueuedJobsGauge: Sendable {
    private struct Reading {
        var queued: Int
        var at: ContinuousClock.Instant
    }
    private let reading = Mutex<Reading?>(nil)
    /// How long a count stands in for the queue.
    static let maxAge = Duration.seconds(1)
    /// The share of the limit below which the estimate is trusted.
    static let trusted = 0.75

    /// The estimate, when it is recent and far enough below `limit` to be used; nil: count.
    func estimate(below limit: Int) -> Int? {
        reading.withLock { reading in
            guard let reading, ContinuousClock.now - reading.at < Self.maxAge,
                Double(reading.queued) < Double(limit) * Self.trusted
            else { return nil }
            return reading.queued
        }
    }

    /// A count just taken.
    func counted(_ queued: Int) {
        reading.withLock { $0 = Reading(queued: queued, at: .now) }
    }

    /// This process queued `jobs` more (a transaction that then rolls back leaves the
    /// estimate high until the next count, which errs on the side of refusing).
    func added(_ jobs: Int) {
        reading.withLock { reading in reading?.queued += jobs }
    }
}
