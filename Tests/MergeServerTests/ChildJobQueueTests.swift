import Foundation
import TestSupport
import Testing

@testable import MergeServer

/// The queue's side of child jobs (a chunked render's parts), on both store engines: they
/// count as their parent against a key's `max_concurrent`, a parent claims only its own,
/// and they are canceled and deleted with their parent.
@Suite struct ChildJobQueueTests {
    @Test(arguments: StoreEngine.allCases) func partsRunBesideTheirParentUnderAKeyLimitedToOneJob(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let database = try await store.open(in: directory)
        let jobs = JobRepository(database: database)
        let keys = APIKeyRepository(database: database, pepper: Data(repeating: 7, count: 32))
        let key = try await keys.create(name: "k", scopes: [.render], limits: APIKeyLimits(maxConcurrent: 1)).record.id

        let parent = try await jobs.enqueue(kind: "merge_videos", request: "{}", idempotencyKey: nil, maxAttempts: 3, owner: key, now: 1).job
        let other = try await jobs.enqueue(kind: "merge_videos", request: "{}", idempotencyKey: nil, maxAttempts: 3, owner: key, now: 2).job
        #expect(try await jobs.claim(owner: "w", leaseSeconds: 60, now: 10)?.id == parent.id)
        var parts: [String] = []
        for index in 0..<3 {
            let part = RenderChunkRequest.video(index, of: parent.id)
            parts.append(
                try await jobs.enqueue(
                    kind: "render_chunk", request: part.json, idempotencyKey: part.idempotencyKey, maxAttempts: 3, owner: key,
                    parent: parent.id, now: 3 + Double(index)
                ).job.id)
        }
        // The same part asked for again (a parent run again) is the same job.
        let again = RenderChunkRequest.video(0, of: parent.id)
        let replay = try await jobs.enqueue(
            kind: "render_chunk", request: again.json, idempotencyKey: again.idempotencyKey, maxAttempts: 3, owner: key, parent: parent.id, now: 6)
        #expect(replay.job.id == parts[0])
        if case .created = replay { Issue.record("a second job was made for the same part") }

        // Another worker takes a part although the key runs its one job; the key's other job waits.
        #expect(try await jobs.claim(owner: "w2", leaseSeconds: 60, now: 10)?.id == parts[0])
        // The parent's own worker takes its next part.
        #expect(try await jobs.claimChild(of: parent.id, owner: "w", leaseSeconds: 60, excluding: [], now: 10)?.id == parts[1])
        #expect(try await jobs.claimChild(of: other.id, owner: "w", leaseSeconds: 60, excluding: [], now: 10) == nil, "only its own parts")
        #expect(try await jobs.find(other.id)?.status == .queued)

        // Listing: jobs of their own by default; the parts under their parent.
        #expect(try await jobs.list(status: nil, kind: nil, limit: 10, after: nil).map(\.id).sorted() == [parent.id, other.id].sorted())
        #expect(try await jobs.list(status: nil, kind: nil, limit: 10, after: nil, parent: parent.id).map(\.id).sorted() == parts.sorted())

        // Canceling the parent: the queued part ends now, the running ones are asked to stop.
        let outcome = try await jobs.requestCancel(parent.id, retention: 60, now: 20)
        if case .requested = outcome {} else { Issue.record("the running parent is asked to stop: \(outcome)") }
        let after = try await jobs.children(of: parent.id)
        #expect(after.first { $0.id == parts[2] }?.status == .canceled)
        #expect(after.filter { $0.status == .running }.allSatisfy(\.cancelRequested) && after.filter { $0.status == .running }.count == 2)

        // Pruned with the parent, never before it.
        let running = try #require(try await jobs.find(parent.id))
        try await jobs.finish(running.attempt, status: .canceled, failure: nil, retention: 60, now: 20)
        #expect(try await jobs.expired(now: 1000).map(\.job) == [parent.id])
        try await jobs.delete([parent.id])
        #expect(try await jobs.children(of: parent.id).isEmpty)
        #expect(try await jobs.find(parts[0]) == nil)
    }
}
