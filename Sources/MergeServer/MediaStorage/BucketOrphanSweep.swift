import Foundation
import Synchronization

/// Removes the objects of the bucket no row refers to. A file is stored before the row
/// that names it is committed, so a process killed in between leaves an object nothing
/// will delete: a render uploaded by a worker killed before it wrote the job's end (the
/// job runs again, under a new name), an upload stored by an API node killed before its
/// row was written, the parts of a chunked render whose job is gone. The local data
/// directory has its start-up sweep for the same case (`OrphanFiles`); a bucket outlives
/// every node, so every node's retention sweeper runs this one, at most every `interval`.
///
/// Only objects older than `minimumAge` go: a file and its row are seconds apart, and an
/// attempt stalled for longer has lost its lease (its late completion is refused, and it
/// deletes its own object). The listing is made before the rows are read, so an object
/// stored and recorded in between is found referenced. Two nodes sweeping at once delete
/// the same objects twice, which S3 answers the same.
final class BucketOrphanSweep: Sendable {
    let storage: S3MediaStorage
    let jobs: JobRepository
    let assets: AssetRepository?
    let minimumAge: TimeInterval
    let interval: TimeInterval
    private let lastRun = Mutex<Date?>(nil)

    init(storage: S3MediaStorage, jobs: JobRepository, assets: AssetRepository?, minimumAge: TimeInterval = 3600, interval: TimeInterval = 3600) {
        self.storage = storage
        self.jobs = jobs
        self.assets = assets
        self.minimumAge = minimumAge
        self.interval = interval
    }

    /// `sweep` when the last one is `interval` old (or there was none); nil otherwise.
    func sweepIfDue(now: Date = Date()) async throws -> Int? {
        let due = lastRun.withLock { last in
            guard last.map({ now.timeIntervalSince($0) >= interval }) ?? true else { return false }
            last = now
            return true
        }
        return due ? try await sweep(now: now) : nil
    }

    /// One pass over `videos/`, `assets/` and `chunks/`; returns how many objects went.
    @discardableResult
    func sweep(now: Date = Date()) async throws -> Int {
        let old = { (objects: [S3Client.ListedObject]) in objects.filter { now.timeIntervalSince($0.lastModified) >= self.minimumAge } }
        let videos = old(try await storage.client.list(under: "videos/"))
        let stored = assets == nil ? [] : old(try await storage.client.list(under: "assets/"))
        let parts = old(try await storage.client.list(under: "chunks/"))
        guard !videos.isEmpty || !stored.isEmpty || !parts.isEmpty else { return 0 }

        var orphans: [String] = []
        let videoNames = try jobs.videoFileNames()
        orphans += videos.map(\.key).filter { !videoNames.contains(($0 as NSString).lastPathComponent) }
        if let assets {
            let assetNames = try assets.fileNames()
            orphans += stored.map(\.key).filter { !assetNames.contains(($0 as NSString).lastPathComponent) }
        }
        // A part belongs to `chunks/<job>/`: kept while the job is, whatever its state
        // (a failed parent run again reuses the parts that succeeded).
        var jobExists: [String: Bool] = [:]
        for part in parts {
            let segments = part.key.split(separator: "/")
            guard segments.count >= 3 else { continue }
            let job = String(segments[1])
            if jobExists[job] == nil { jobExists[job] = try await jobs.find(job) != nil }
            if jobExists[job] == false { orphans.append(part.key) }
        }
        for key in orphans { try await storage.delete(key: key) }
        return orphans.count
    }
}
