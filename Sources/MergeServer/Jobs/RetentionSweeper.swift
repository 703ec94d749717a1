import Foundation
import Logging
import ServiceLifecycle

/// Removes finished jobs whose retention ran out, with their output files, and assets
/// no job needs once theirs ran out: at start-up and then every `interval`; with media in
/// a bucket, also the objects no row refers to (at most hourly).
struct RetentionSweeper: Service {
    let jobs: JobRepository
    let events: JobEventHub
    let interval: Duration
    let logger: Logger
    /// The asset store's rows and the directory their paths are relative to (nil: assets are kept).
    var assets: AssetRepository? = nil
    var dataDirectory = ""
    /// How long an asset no job needs is kept after its last use.
    var assetRetentionSeconds = 7 * 24 * 3600.0
    /// Where the files are (nil: the data directory, by path).
    var media: MediaLibrary? = nil
    /// With media in a bucket: the objects no row refers to, removed now and then.
    var orphans: BucketOrphanSweep? = nil

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
                for (job, files) in expired {
                    // Files first: a crash in between leaves a row to retry, never an orphan file.
                    for file in files { await MediaLibrary.removeVideo(path: file, from: media) }
                    // A chunked render that did not succeed keeps its parts' files until now.
                    // In a bucket the orphan sweep takes them once the row is gone: one
                    // listing for every job, not a request for each (most were never chunked).
                    if let chunkMedia = media ?? (dataDirectory.isEmpty ? nil : .local(dataDirectory)), chunkMedia.isLocal {
                        await ChunkFolder(media: chunkMedia, job: job).remove()
                    }
                }
                try await jobs.delete(expired.map(\.job))
                for (job, _) in expired { events.forget(job: job) }
                removed += expired.count
            }
        } catch {
            logger.error("could not remove expired jobs", metadata: ["error": "\(error)"])
        }
        if removed > 0 { logger.info("removed expired jobs", metadata: ["count": "\(removed)"]) }
        let collected = await collectAssets(now: now)
        if collected > 0 { logger.info("removed assets no job needs", metadata: ["count": "\(collected)"]) }
        do {
            if let count = try await orphans?.sweepIfDue(), count > 0 {
                logger.notice("removed objects of the bucket no row refers to", metadata: ["count": "\(count)"])
            }
        } catch {
            logger.error("could not sweep the bucket for objects no row refers to", metadata: ["error": "\(error)"])
        }
        return removed
    }

    /// Removes assets unused for `assetRetentionSeconds` that no live job or kept video
    /// needs; returns how many. Rows first: a crash in between leaves an orphan file,
    /// which the start-up sweep removes, never a row without its file.
    @discardableResult
    func collectAssets(now: Double = Date().timeIntervalSince1970) async -> Int {
        guard let assets else { return 0 }
        let cutoff = now - assetRetentionSeconds
        var collected = 0
        do {
            var position: AssetRepository.ScanPosition?
            repeat {
                let scanStarted = Date().timeIntervalSince1970
                let page = try assets.collectible(usedBefore: cutoff, after: position)
                let outcome = try await assets.deleteCollectible(page.assets, usedBefore: cutoff, scanStarted: scanStarted)
                for path in outcome.freedFiles {
                    if let media {
                        await media.remove(key: path)
                    } else {
                        try? FileManager.default.removeItem(atPath: (dataDirectory as NSString).appendingPathComponent(path))
                    }
                }
                collected += outcome.deleted
                position = page.next
            } while position != nil
        } catch {
            logger.error("could not collect unused assets", metadata: ["error": "\(error)"])
        }
        return collected
    }
}
