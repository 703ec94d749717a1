import Foundation
import Logging
import TestSupport
import Testing

@testable import MergeServer

/// Finished jobs expire with their files; running and queued ones never do.
@Suite struct RetentionTests {
    @Test(arguments: StoreEngine.allCases) func expiredJobsGoWithTheirVideos(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let database = try await store.open(in: directory)
        let jobs = JobRepository(database: database)
        func finishedJob(retention: Double) async throws -> (JobRecord, String) {
            let job = try await jobs.enqueue(kind: "merge_videos", request: "{}", idempotencyKey: nil, maxAttempts: 1).job
            let claimed = try #require(try await jobs.claim(owner: "w", leaseSeconds: 60))
            #expect(claimed.id == job.id)
            let file = directory.path + "/\(job.id).mp4"
            try Data("video".utf8).write(to: URL(fileURLWithPath: file))
            let video = VideoRecord(
                id: Identifier.video(forJob: job.id), jobId: job.id, path: file, sizeBytes: 5, info: "{}",
                createdAt: Date().timeIntervalSince1970)
            _ = try await jobs.succeed(claimed.attempt, result: "{}", video: video, retention: retention)
            return (job, file)
        }
        let (old, oldFile) = try await finishedJob(retention: -1)
        let (fresh, freshFile) = try await finishedJob(retention: 3600)
        let queued = try await jobs.enqueue(kind: "merge_videos", request: "{}", idempotencyKey: nil, maxAttempts: 1).job

        let sweeper = RetentionSweeper(jobs: jobs, events: JobEventHub(), interval: .seconds(60), logger: Logger(label: "test"))
        #expect(await sweeper.sweep() == 1)
        #expect(try await jobs.find(old.id) == nil)
        #expect(try await jobs.video(Identifier.video(forJob: old.id)) == nil)
        #expect(!FileManager.default.fileExists(atPath: oldFile))
        #expect(try await jobs.find(fresh.id)?.status == .succeeded)
        #expect(FileManager.default.fileExists(atPath: freshFile))
        #expect(try await jobs.find(queued.id)?.status == .queued)
    }
}
