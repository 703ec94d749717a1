import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// A full disk or a reached quota is a 507 that says what to do, never a half-written
/// file; a full queue is a 429 with Retry-After.
@Suite struct DiskLimitTests {
    @Test func aReachedQuotaRefusesUploadsAndJobs() async throws {
        let server = try await TestServer.make(workers: 0)
        let clip = try await server.test(.router) { try await $0.uploadID("clip_640x480_25.mp4") }
        let used = try server.dependencies.budget.usage()
        #expect(used >= 56_366, "the stored asset counts")

        // 50 kB left under the quota: an 86 kB upload is refused as it arrives.
        let nearlyFull = try await TestServer.make(workers: 0) {
            $0.dataDirectory = server.directory.path
            $0.limits.dataQuotaBytes = used + 50_000
        }
        try await nearlyFull.test(.router) { client in
            let data = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("clip_640x360_30_vp9.webm")))
            try await client.execute(
                uri: "/api/uploads", method: .post, headers: [.contentType: "video/webm"],
                body: ByteBuffer(bytes: data)
            ) { response in
                #expect(response.status.code == 507)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try jsonObject(response.body)
                #expect(body["type"] as? String == "insufficient_storage")
                #expect((body["suggestion"] as? String)?.contains("MERGE_SERVER_DATA_QUOTA_BYTES") == true)
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/uploads").isEmpty, "nothing half-written")
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/assets").count == 1)

        // At the quota: a job that would write is refused too.
        let full = try await TestServer.make(workers: 0) {
            $0.dataDirectory = server.directory.path
            $0.limits.dataQuotaBytes = used
        }
        try await full.test(.router) { client in
            let refused = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: [clip]))
            #expect(refused.status.code == 507 && refused.body["type"] as? String == "insufficient_storage")
        }
    }

    @Test func tooLittleFreeSpaceRefusesUploads() async throws {
        let server = try await TestServer.make(workers: 0) { $0.minFreeDiskBytes = .max / 2 }
        try await server.test(.router) { client in
            let data = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("clip_640x480_25.mp4")))
            try await client.execute(
                uri: "/api/uploads", method: .post, headers: [.contentType: "video/mp4"],
                body: ByteBuffer(bytes: data)
            ) { response in
                #expect(response.status.code == 507)
                let body = try jsonObject(response.body)
                #expect(body["type"] as? String == "insufficient_storage")
            }
        }
    }

    @Test func aFullQueueAnswers429WithRetryAfter() async throws {
        let server = try await TestServer.make(workers: 0) { $0.limits.maxQueuedJobs = 1 }
        try await server.test(.router) { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4")
            let body = timelineJSON(clips: [clip])
            let first = try await client.postJSON("/api/mv/merge_videos", body, headers: [.idempotencyKey: "one"])
            #expect(first.status == .accepted)
            try await client.execute(
                uri: "/api/mv/merge_videos", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter].flatMap(Int.init) ?? 0 > 0)
                let problem = try jsonObject(response.body)
                #expect(problem["type"] as? String == "queue_full")
                #expect((problem["detail"] as? String)?.contains("1 jobs waiting") == true)
            }
            // A replay of an accepted request is still answered.
            let replay = try await client.postJSON("/api/mv/merge_videos", body, headers: [.idempotencyKey: "one"])
            #expect(replay.status == .accepted && replay.body["job_id"] as? String == first.body["job_id"] as? String)
        }
    }

    /// A real full disk: a small tmpfs as the data directory (the database elsewhere).
    /// An upload that fills it is a 507 with no file left; a render that fills it fails
    /// as `insufficient_storage` with no output left.
    @Test(.enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
    func aFullDiskIsA507AndAJobFailureWithNothingHalfWritten() async throws {
        let mountPoint = try TemporaryDirectory()
        let elsewhere = try TemporaryDirectory()
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint.path]) else {
            print("skipped: mount -t tmpfs is not permitted here; the quota tests cover the 507 path")
            return
        }
        defer { _ = Self.run("/bin/umount", ["-l", mountPoint.path]) }
        let server = try await TestServer.make(workers: 1) {
            $0.dataDirectory = mountPoint.path
            $0.database = "sqlite:" + elsewhere.path + "/db.sqlite"
            // Pretend there is more room than there is: the writes themselves must meet ENOSPC.
            $0.minFreeDiskBytes = -(64 << 20)
        }
        try await server.test(.router) { client in
            let clip = try await client.uploadID("clip_640x480_25.mp4")
            let tooBig = [UInt8](repeating: 0, count: 6 << 20)  // more than the 4 MB disk: the write meets ENOSPC
            try await client.execute(
                uri: "/api/uploads", method: .post, headers: [.contentType: "video/mp4"],
                body: ByteBuffer(bytes: tooBig)
            ) { response in
                #expect(response.status.code == 507, "\(String(buffer: response.body))")
                let body = try jsonObject(response.body)
                #expect(body["type"] as? String == "insufficient_storage")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint.path + "/uploads").isEmpty)

            // Fill what is left, then render: the output cannot be written.
            let filler = mountPoint.path + "/filler"
            _ = FileManager.default.createFile(atPath: filler, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
            let block = Data(count: 64 << 10)
            while (try? handle.write(contentsOf: block)) != nil {}
            try? handle.close()
            let accepted = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: [clip, clip]))
            let id = try #require(accepted.body["job_id"] as? String, "\(accepted)")
            let job = try await client.waitForJob(id)
            #expect(job["status"] as? String == "failed", "\(job)")
            let error = try #require(job["error"] as? [String: Any])
            #expect(error["type"] as? String == "insufficient_storage", "\(error)")
            #expect((error["message"] as? String)?.contains(mountPoint.path) == false, "no absolute path: \(error)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint.path + "/videos").isEmpty, "no partial output")
        }
    }

    private static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
