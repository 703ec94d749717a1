import Foundation
import Logging
import ServiceLifecycle

/// Removes finished jobs whose retention ran out, with their output files: at start-up
/// and then every `interval`.
struct RetentionSweeper: Service {
    let jobs: JobRepository
    let events: JobEventHub
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await sweep()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One pass; returns how many jobs were removed.
    @discardableResult
    func sweep(now: Double = Date().timeIntervalSince1970) async -> Int {
        var removed = 0
        do {
            while true {
                let expired = try await jobs.expired(now: now)
                if expired.isEmpty { break }
                for (_, files) in expired {
                    // Files first: a crash in between leaves a row to retry, never an orphan file.
                    for file in files { try? FileManager.default.removeItem(atPath: file) }
                }
                try await jobs.delete(expired.map(\.job))
                for (job, _) in expired { events.forget(job: job) }
                removed += expired.count
            }
        } catch {
            logger.error("could not remove expired jobs", metadata: ["error": "\(error)"])
        }
        if removed > 0 { logger.info("removed expired jobs", metadata: ["count": "\(removed)"]) }
        return removed
    }
}
