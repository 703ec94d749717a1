import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// Assets belong to the key that uploaded them. The same bytes from two keys are two
/// assets whose rows share one file, which outlives either row; a key's storage quota
/// refuses what would pass it with the key's own figures.
@Suite struct AssetOwnershipTests {
    @Test func theSameBytesFromTwoKeysShareOneFileThatOutlivesEitherRow() async throws {
        let server = try await TestServer.make(workers: 0)
        let keys = server.dependencies.apiKeys
        let alice = try await keys.create(name: "alice", scopes: [.render, .read]).key
        let bob = try await keys.create(name: "bob", scopes: [.render, .read]).key
        let fixture = Paths.fixture("clip_640x480_25.mp4")
        let original = try Data(contentsOf: URL(fileURLWithPath: fixture))
        try await server.test { client in
            let hers = try await client.uploadAnswer("clip_640x480_25.mp4", contentType: "application/octet-stream", key: alice)
            let his = try await client.uploadAnswer("clip_640x480_25.mp4", contentType: "application/octet-stream", key: bob)
            #expect(hers.status == .created && his.status == .created)
            let herID = try #require(hers.body["id"] as? String)
            let hisID = try #require(his.body["id"] as? String)
            #expect(herID != hisID)
            // Nothing in bob's asset names alice's: its probe's path is in his own id's name.
            let media = try #require(his.body["media"] as? [String: Any])
            #expect((media["path"] as? String)?.hasPrefix("assets/\(hisID).") == true, "\(media)")
            #expect(!String(decoding: try JSONSerialization.data(withJSONObject: his.body), as: UTF8.self).contains(herID))
            let stored = try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/assets")
            #expect(stored.count == 1, "the bytes are stored once: \(stored)")

            // Collecting alice's row keeps the file bob's row still names.
            let assets = server.dependencies.assets
            let herRow = try #require(try await assets.find(herID))
            let hisRow = try #require(try await assets.find(hisID))
            #expect(herRow.path == hisRow.path)
            // Bob's row was used later than alice's: one sweep passes her retention, not his.
            let now = Date().timeIntervalSince1970
            #expect(try await assets.touch(hisID, now: now + 10_000))
            let sweeper = RetentionSweeper(
                jobs: server.dependencies.jobs, events: JobEventHub(), interval: .seconds(60), logger: TestServer.logger,
                assets: assets, dataDirectory: server.directory.path, assetRetentionSeconds: 3600)
            #expect(await sweeper.collectAssets(now: now + 7200) == 1)
            #expect(try await assets.find(herID) == nil)
            #expect(FileManager.default.fileExists(atPath: server.directory.path + "/" + hisRow.path))
            let bytes = try await client.execute(uri: "/api/assets/\(hisID)/content", method: .get, headers: bearer(bob)) {
                Data(buffer: $0.body)
            }
            #expect(bytes == original)
            #expect(try await client.execute(uri: "/api/assets/\(herID)", method: .get, headers: bearer(alice)) { $0.status } == .notFound)

            // Once bob's row goes too, so does the file.
            let second = await sweeper.collectAssets(now: now + 20_000)
            #expect(second == 1)
            #expect(!FileManager.default.fileExists(atPath: server.directory.path + "/" + hisRow.path))
            // And a new upload of the bytes is stored afresh.
            let anew = try await client.uploadAnswer("clip_640x480_25.mp4", contentType: "application/octet-stream", key: alice)
            #expect(anew.status == .created)
            let newID = try #require(anew.body["id"] as? String)
            let newBytes = try await client.execute(uri: "/api/assets/\(newID)/content", method: .get, headers: bearer(alice)) {
                Data(buffer: $0.body)
            }
            #expect(newBytes == original)
        }
    }

    @Test func aKeysStorageQuotaRefusesUploadsAndJobsWithItsFigures() async throws {
        let server = try await TestServer.make(workers: 0)
        let keys = server.dependencies.apiKeys
        let small = Int64(try FileManager.default.attributesOfItem(atPath: Paths.fixture("clip_640x480_25.mp4"))[.size] as! Int)
        // Room for the small clip and a little more: not for the song (180 kB) after it.
        let capped = try await keys.create(
            name: "capped", scopes: [.render, .read], limits: APIKeyLimits(storageBytes: small + 10_000)
        ).key
        let free = try await keys.create(name: "free", scopes: [.render, .read]).key
        try await server.test { client in
            let first = try await client.uploadAnswer("clip_640x480_25.mp4", contentType: "application/octet-stream", key: capped)
            #expect(first.status == .created)

            let tooMuch = try await client.uploadAnswer("song_120bpm.m4a", contentType: "application/octet-stream", key: capped)
            #expect(tooMuch.status == .insufficientStorage)
            #expect(tooMuch.body["type"] as? String == "storage_quota_exceeded")
            let detail = tooMuch.body["detail"] as? String ?? ""
            #expect(detail.contains("\(small + 10_000) bytes") && detail.contains("\(small)"), "\(detail)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/uploads").isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/assets").count == 1)

            // Another key is not held back by it.
            #expect(try await client.uploadAnswer("song_120bpm.m4a", contentType: "application/octet-stream", key: free).status == .created)

            // A job would write a video: a key whose quota is used up cannot queue one.
            let full = try await keys.create(name: "full", scopes: [.render, .read], limits: APIKeyLimits(storageBytes: small)).key
            let fills = try await client.uploadAnswer("clip_640x480_25.mp4", contentType: "application/octet-stream", key: full)
            #expect(fills.status == .created, "exactly the quota fits")
            let filled = try #require(fills.body["id"] as? String)
            let job = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: [filled]), headers: bearer(full))
            #expect(job.status == .insufficientStorage)
            #expect(job.body["type"] as? String == "storage_quota_exceeded")
        }
    }

    @Test func deletingAnAssetFreesItsRoomAndKeepsAFileAnotherKeyShares() async throws {
        let server = try await TestServer.make(workers: 0)
        let keys = server.dependencies.apiKeys
        let small = Int64(try FileManager.default.attributesOfItem(atPath: Paths.fixture("clip_640x480_25.mp4"))[.size] as! Int)
        let alice = try await keys.create(name: "alice", scopes: [.render, .read], limits: APIKeyLimits(storageBytes: small)).key
        let bob = try await keys.create(name: "bob", scopes: [.render, .read]).key
        try await server.test { client in
            func status(_ method: HTTPRequest.Method, _ uri: String, _ key: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: uri, method: method, headers: bearer(key)) { $0.status }
            }
            let hers = try #require(
                try await client.uploadAnswer("clip_640x480_25.mp4", contentType: "application/octet-stream", key: alice).body["id"] as? String)
            let his = try #require(
                try await client.uploadAnswer("clip_640x480_25.mp4", contentType: "application/octet-stream", key: bob).body["id"] as? String)
            #expect(
                try await client.uploadAnswer("clip_anamorphic.mp4", contentType: "application/octet-stream", key: alice).status
                    == .insufficientStorage)

            // A queued job names it (no workers: it stays queued): 409 until it ends.
            let job = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: [his]), headers: bearer(bob))
            let jobID = try #require(job.body["job_id"] as? String)
            let inUse = try await client.execute(uri: "/api/assets/\(his)", method: .delete, headers: bearer(bob)) {
                ($0.status, try jsonObject($0.body)["type"] as? String)
            }
            #expect(inUse.0 == .conflict && inUse.1 == "asset_in_use")
            #expect(try await status(.delete, "/api/jobs/\(jobID)", bob) == .ok)

            // Alice's delete frees her quota; bob's asset, sharing the file, is whole.
            #expect(try await status(.delete, "/api/assets/\(hers)", alice) == .noContent)
            #expect(try await status(.get, "/api/assets/\(hers)", alice) == .notFound)
            #expect(try await status(.delete, "/api/assets/\(hers)", alice) == .notFound)
            let bytes = try await client.execute(uri: "/api/assets/\(his)/content", method: .get, headers: bearer(bob)) { Data(buffer: $0.body) }
            #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("clip_640x480_25.mp4")))))
            #expect(try await client.uploadAnswer("clip_anamorphic.mp4", contentType: "application/octet-stream", key: alice).status == .created)

            // The last row's delete takes the file.
            #expect(try await status(.delete, "/api/assets/\(his)", bob) == .noContent)
            let left = try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/assets")
            #expect(left.count == 1, "only alice's second upload is left: \(left)")
        }
    }
}
