import Foundation
import TestSupport
import Testing

@testable import MergeServer

/// Files and objects no row refers to (left by a process killed between storing a file and
/// committing its row) are removed; what a row names, the extra files beside a video
/// included, is kept.
struct OrphanSweepRows {
    let jobs: JobRepository
    let assets: AssetRepository
    let keptJob: String

    /// A job with a video `vid_kept.mp4` and an asset `assets/ast_kept.mp4`.
    static func make(_ database: Database) async throws -> OrphanSweepRows {
        let jobs = JobRepository(database: database)
        let assets = AssetRepository(database: database)
        let job = try await jobs.enqueue(kind: "merge", request: "{}", idempotencyKey: nil, maxAttempts: 1).job
        let video = VideoRecord(id: "vid_kept", jobId: job.id, path: "/elsewhere/videos/vid_kept.mp4", sizeBytes: 1, info: "{}", createdAt: 0)
        try await database.write { db in try db.insert(video, into: "videos") }
        let asset = AssetRecord(
            id: "ast_kept", sha256: String(repeating: "0", count: 64), kind: .video, sizeBytes: 1, contentType: "video/mp4",
            filename: nil, path: "assets/ast_kept.mp4", media: "{}", createdAt: 0, lastUsedAt: 0, ownerKeyID: nil)
        _ = try await assets.insert(asset)
        return OrphanSweepRows(jobs: jobs, assets: assets, keptJob: job.id)
    }
}

@Suite struct OrphanFilesTests {
    @Test func theStartUpSweepKeepsAVideosExtraFiles() async throws {
        let directory = try TemporaryDirectory()
        let rows = try await OrphanSweepRows.make(try Database(path: directory.path + "/db.sqlite"))
        let videos = directory.path + "/videos"
        try FileManager.default.createDirectory(atPath: videos, withIntermediateDirectories: true)
        let names = ["vid_kept.mp4", "vid_kept.poster.jpg", "vid_kept.sprite.vtt", "vid_kept.audio.mp3", "vid_dead.a2-x.mp4", "vid_dead.poster.jpg"]
        for name in names { FileManager.default.createFile(atPath: videos + "/" + name, contents: Data("x".utf8)) }
        let removed = OrphanFiles.sweep(videos, referenced: try rows.jobs.videoFileNames(), minimumAge: 0)
        #expect(removed == 2)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: videos)) == Set(names.prefix(4)))
    }
}

@Suite(.seaweedFS) struct BucketOrphanSweepTests {
    @Test(arguments: StoreEngine.allCases) func objectsNoRowNamesGoAndTheRestStays(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let rows = try await OrphanSweepRows.make(try await store.open(in: directory))
        let client = try await S3TestServer.client()
        let storage = S3MediaStorage(client: client, cache: try BoundedFileCache(directory: directory.path + "/cache", capacity: 1 << 20))
        let file = directory.file("object")
        let kept = [
            "videos/vid_kept.mp4", "videos/vid_kept.poster.jpg", "videos/vid_kept.preview.webp", "assets/ast_kept.mp4",
            "chunks/\(rows.keptJob)/plan.json", "chunks/\(rows.keptJob)/part-0.mp4",
        ]
        let orphans = [
            "videos/vid_kept.a1-dead.mp4", "videos/vid_gone.mp4", "videos/vid_gone.poster.jpg", "assets/ast_gone.mp4",
            "chunks/job_gone/plan.json", "chunks/job_gone/part-3.mp4",
        ]
        for key in kept + orphans {
            FileManager.default.createFile(atPath: file, contents: Data(key.utf8))
            try await client.put(file: file, key: key)
        }
        let listed = { Set(try await client.list(under: "").map(\.key)) }
        #expect(try await listed() == Set(kept + orphans), "the listing names every object by its storage key")

        // Young objects are someone's file on its way to its row: none goes.
        let patient = BucketOrphanSweep(storage: storage, jobs: rows.jobs, assets: rows.assets)
        #expect(try await patient.sweep() == 0)
        #expect(try await listed() == Set(kept + orphans))

        let sweep = BucketOrphanSweep(storage: storage, jobs: rows.jobs, assets: rows.assets, minimumAge: 0, interval: 3600)
        #expect(try await sweep.sweepIfDue() == orphans.count)
        #expect(try await listed() == Set(kept))
        #expect(try await sweep.sweepIfDue() == nil, "not again within its interval")
    }

    @Test func aListingLongerThanAPageIsReadWhole() async throws {
        let client = try await S3TestServer.client()
        let directory = try TemporaryDirectory()
        let file = directory.file("object")
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let keys = (0..<1005).map { String(format: "videos/vid_%04d.mp4", $0) }
        // Put eight at a time: a thousand one by one is most of this test's time.
        for start in stride(from: 0, to: keys.count, by: 8) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for key in keys[start..<min(start + 8, keys.count)] { group.addTask { _ = try await client.put(file: file, key: key) } }
                try await group.waitForAll()
            }
        }
        let listed = try await client.list(under: "videos/")
        #expect(listed.map(\.key).sorted() == keys)
        #expect(listed.allSatisfy { abs($0.lastModified.timeIntervalSinceNow) < 600 }, "each object's date is read")
    }
}
