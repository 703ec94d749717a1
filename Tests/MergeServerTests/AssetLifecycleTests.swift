import Foundation
import Generation
import HTTPTypes
import HummingbirdTesting
import Logging
import Media
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// Assets have random ids (the same bytes are still the same asset), are collected when
/// no job needs them after their retention, and files no row names go at start-up.
@Suite struct AssetLifecycleTests {
    @Test func assetIDsAreRandomAndTheSameBytesAreTheSameAsset() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test(.router) { client in
            let first = try await client.upload("clip_640x480_25.mp4")
            let id = try #require(first["id"] as? String)
            let sha = try Oracle.sha256(Paths.fixture("clip_640x480_25.mp4"))
            #expect(Identifier.isValid(id, .asset))
            #expect(!sha.hasPrefix(String(id.dropFirst(4))), "the id tells nothing of the content")
            let stored = try #require(try await server.dependencies.assets.find(id))
            #expect(!stored.path.contains(sha), "nor does the file name")
            let data = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("clip_640x480_25.mp4")))
            try await client.execute(
                uri: "/api/uploads", method: .post, headers: [.contentType: "video/mp4"],
                body: ByteBuffer(bytes: data)
            ) { response in
                #expect(response.status == .ok, "the same bytes again: the same asset")
                let body = try jsonObject(response.body)
                #expect(body["id"] as? String == id)
            }
        }
    }

    @Test func unusedAssetsAreCollectedAndNeededOnesKept() async throws {
        let server = try await TestServer.make(workers: 0)
        let (kept, dropped, video) = try await server.test(.router) { client in
            let kept = try await client.uploadID("clip_640x480_25.mp4")
            let dropped = try await client.uploadID("clip_640x360_30_vp9.webm")
            let video = try await client.uploadID("clip_854x480_2997.mov")
            #expect(try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: [kept])).status == .accepted)
            return (kept, dropped, video)
        }
        // A finished job with a kept video names the third asset.
        let jobs = server.dependencies.jobs
        let finished = try await jobs.enqueue(
            kind: "merge_videos", request: timelineJSON(clips: [video]), idempotencyKey: nil,
            maxAttempts: 1, now: 0
        ).job
        let attempt = try #require(try await jobs.claim(owner: "w", leaseSeconds: 60, excluding: [], now: 0))
        #expect(attempt.id == finished.id)
        try await jobs.succeed(
            attempt.attempt, result: "{}",
            video: VideoRecord(
                id: Identifier.video(forJob: finished.id), jobId: finished.id,
                path: server.videosDirectory + "/v.mp4", sizeBytes: 1, info: "{}", createdAt: 0),
            retention: 1e9, now: 0)

        let assets = server.dependencies.assets
        let droppedPath = server.dependencies.store.path(of: try #require(try await assets.find(dropped)))
        // Pages of one: the scan goes on past pages whose assets are all still needed.
        var found: [String] = []
        var position: AssetRepository.ScanPosition?
        var pages = 0
        repeat {
            let page = try assets.collectible(usedBefore: Date().timeIntervalSince1970 + 7200, after: position, limit: 1)
            found += page.assets.map(\.id)
            position = page.next
            pages += 1
        } while position != nil && pages < 10
        #expect(found == [dropped] && pages >= 3, "\(found) in \(pages) pages")
        let sweeper = RetentionSweeper(
            jobs: jobs, events: JobEventHub(), interval: .seconds(60), logger: TestServer.logger,
            assets: assets, dataDirectory: server.directory.path, assetRetentionSeconds: 3600)
        #expect(await sweeper.collectAssets() == 0, "nothing is collected within its retention")
        #expect(await sweeper.collectAssets(now: Date().timeIntervalSince1970 + 7200) == 1)
        #expect(try await assets.find(dropped) == nil)
        #expect(!FileManager.default.fileExists(atPath: droppedPath), "its file went with it")
        #expect(try await assets.find(kept) != nil, "a queued job needs it")
        #expect(try await assets.find(video) != nil, "a kept video's job names it")
    }

    @Test func filesNoRowNamesAreRemovedAtStartUp() async throws {
        let server = try await TestServer.make(workers: 0)
        let asset = try await server.test(.router) { try await $0.uploadID("clip_640x480_25.mp4") }
        let assetPath = server.dependencies.store.path(of: try #require(try await server.dependencies.assets.find(asset)))
        let old = Date(timeIntervalSinceNow: -3600)
        let orphans = [server.videosDirectory + "/vid_000000000000000000000000.mp4", server.directory.path + "/assets/ast_orphan.mp4"]
        for path in orphans {
            try Data("orphan".utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        }
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: assetPath)
        let fresh = server.videosDirectory + "/being-placed.mp4"
        try Data("new".utf8).write(to: URL(fileURLWithPath: fresh))

        _ = try await TestServer.make(workers: 0) { $0.dataDirectory = server.directory.path }
        for path in orphans { #expect(!FileManager.default.fileExists(atPath: path), "\(path) had no row") }
        #expect(FileManager.default.fileExists(atPath: assetPath), "an asset's file stays")
        #expect(FileManager.default.fileExists(atPath: fresh), "a file younger than a minute is left alone")
    }

    @Test func failuresCarryNoAbsolutePathAndShortUpstreamExcerpts() throws {
        let data = "/srv/merge/outputs"
        let failure = JobFailure(
            type: "media_error",
            message: "cannot read /srv/merge/outputs/assets/ast_1.mp4 (from '/etc/secret/key.pem'); see https://example.com/a/b",
            suggestion: "check /srv/merge/outputs/videos")
        let clean = failure.sanitized(dataDirectory: data)
        #expect(clean.message == "cannot read assets/ast_1.mp4 (from 'key.pem'); see https://example.com/a/b")
        #expect(clean.suggestion == "check videos")

        let long = ProviderError(.badResponse, String(repeating: "<html>\n", count: 200), provider: "replicate")
        let upstream = JobFailure(long)
        #expect(upstream.message.count <= FailureSanitizer.excerptLimit && !upstream.message.contains("\n"))
    }

    @Test func aFullDiskDuringARenderIsInsufficientStorage() {
        let media = MediaError(.outputNotWritable, "writing out.mp4", path: "out.mp4", ffmpegCode: -ENOSPC, ffmpegMessage: "No space left on device")
        #expect(JobFailure(media).type == "insufficient_storage")
        #expect(JobFailure(media).transient == false)
        let header = MediaError(
            .ffmpeg, "writing the mp4 header failed (out.mp4)", path: "out.mp4", ffmpegCode: -ENOSPC,
            ffmpegMessage: "No space left on device")
        #expect(JobFailure(header).type == "insufficient_storage", "wherever FFmpeg meets the full disk")
        #expect(JobFailure(MediaError(.outputNotWritable, "permission denied", path: "out.mp4")).type == "storage_error")
        // The HTTP edge gives the same token its matching status: 507, not FFmpeg's 500.
        #expect(header.problem.type == "insufficient_storage" && header.problem.status.code == 507)
        #expect(JobFailure(DurableFileError(operation: "fsync", errno: ENOSPC)).type == "insufficient_storage")
    }
}
