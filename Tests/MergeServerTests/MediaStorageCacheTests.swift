import Foundation
import Synchronization
import TestSupport
import Testing

@testable import MergeServer

/// `BoundedFileCache`: the byte bound, least-recently-used eviction, one download per key.
@Suite struct MediaStorageCacheTests {
    /// A fill that writes `size` bytes of `byte` and counts its calls.
    final class Filler: Sendable {
        let calls = Atomic<Int>(0)
        let size: Int
        let delay: Duration

        init(size: Int, delay: Duration = .zero) {
            self.size = size
            self.delay = delay
        }

        var fill: @Sendable (String) async throws -> Void {
            { path in
                self.calls.add(1, ordering: .relaxed)
                try await Task.sleep(for: self.delay)
                try Data(repeating: 7, count: self.size).write(to: URL(fileURLWithPath: path))
            }
        }
    }

    private func bytes(in directory: String) throws -> Int64 {
        try FileManager.default.contentsOfDirectory(atPath: directory).reduce(0) { total, name in
            let attributes = try FileManager.default.attributesOfItem(atPath: (directory as NSString).appendingPathComponent(name))
            return total + ((attributes[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    @Test func theLeastRecentlyUsedGoFirstAndTheBoundHolds() async throws {
        let directory = try TemporaryDirectory()
        let cache = try BoundedFileCache(directory: directory.path, capacity: 3000)
        let filler = Filler(size: 1000)
        for key in ["a", "b", "c"] { _ = try await cache.withFile(key: key, fill: filler.fill) { $0 } }
        _ = try await cache.withFile(key: "a", fill: filler.fill) { $0 }  // a is now more recent than b
        _ = try await cache.withFile(key: "d", fill: filler.fill) { $0 }
        let (a, c, d) = (await cache.contains(key: "a"), await cache.contains(key: "c"), await cache.contains(key: "d"))
        #expect(a && c && d)
        #expect(await !cache.contains(key: "b"), "b was the least recently used")
        #expect(try bytes(in: directory.path) <= 3000)
        #expect(await cache.totalBytes == 3000)
        #expect(filler.calls.load(ordering: .relaxed) == 4, "a was served from the cache")
    }

    @Test func aFileInUseIsNotEvicted() async throws {
        let directory = try TemporaryDirectory()
        let cache = try BoundedFileCache(directory: directory.path, capacity: 1500)
        let filler = Filler(size: 1000)
        try await cache.withFile(key: "held", fill: filler.fill) { held in
            _ = try await cache.withFile(key: "other", fill: filler.fill) { $0 }
            #expect(FileManager.default.fileExists(atPath: held), "still readable while in use")
        }
        // Released: the bound is restored at once, by evicting the older entry.
        #expect(await cache.totalBytes <= 1500)
        #expect(try bytes(in: directory.path) <= 1500)
    }

    @Test func concurrentRequestsForOneKeyDownloadOnce() async throws {
        let directory = try TemporaryDirectory()
        let cache = try BoundedFileCache(directory: directory.path, capacity: 1 << 20)
        let filler = Filler(size: 5000, delay: .milliseconds(200))
        let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await cache.withFile(key: "videos/one.mp4", fill: filler.fill) { path in
                        try Data(contentsOf: URL(fileURLWithPath: path)).count
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sizes == Array(repeating: 5000, count: 8))
        #expect(filler.calls.load(ordering: .relaxed) == 1)
    }

    @Test func aFailedDownloadLeavesNothingAndIsTriedAgain() async throws {
        let directory = try TemporaryDirectory()
        let cache = try BoundedFileCache(directory: directory.path, capacity: 1 << 20)
        struct Broken: Error {}
        await #expect(throws: Broken.self) {
            try await cache.withFile(
                key: "k",
                fill: { path in
                    try Data(repeating: 1, count: 10).write(to: URL(fileURLWithPath: path))
                    throw Broken()
                }
            ) { $0 }
        }
        #expect(directory.contents().isEmpty)
        #expect(await !cache.contains(key: "k"))
        let filler = Filler(size: 10)
        _ = try await cache.withFile(key: "k", fill: filler.fill) { $0 }
        #expect(filler.calls.load(ordering: .relaxed) == 1)
    }

    /// What an earlier process cached is found again; its unfinished files are removed.
    @Test func aRestartKeepsFinishedFilesAndDropsUnfinishedOnes() async throws {
        let directory = try TemporaryDirectory()
        let filler = Filler(size: 1000)
        do {
            let cache = try BoundedFileCache(directory: directory.path, capacity: 10_000)
            _ = try await cache.withFile(key: "kept.mp4", fill: filler.fill) { $0 }
        }
        FileManager.default.createFile(atPath: directory.file(".s3-download-leftover"), contents: Data(count: 10))
        let again = try BoundedFileCache(directory: directory.path, capacity: 10_000)
        #expect(await again.contains(key: "kept.mp4"))
        #expect(await again.totalBytes == 1000)
        #expect(directory.contents().count == 1)
        _ = try await again.withFile(key: "kept.mp4", fill: filler.fill) { $0 }
        #expect(filler.calls.load(ordering: .relaxed) == 1)
    }
}
