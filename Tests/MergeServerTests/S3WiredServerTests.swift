import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// Serving with `--storage s3://…` against SeaweedFS's S3 gateway: two nodes on one
/// PostgreSQL store and one bucket prefix, each with its own (empty) data directory — an
/// API node that redirects media requests to presigned GETs and runs no jobs, and a node
/// whose worker renders assets it never saw uploaded (read through its bounded cache) and
/// which streams media through the API with ranges. Deletions and retention remove the
/// objects. Outputs are checked with ffprobe and byte for byte against the bucket.
@Suite(.seaweedFS, .serialized) struct S3WiredServerTests {
    @Test func twoNodesShareOneBucketRenderRedirectStreamAndDelete() async throws {
        let s3 = try #require(S3TestServer.current?.environment)
        let prefix = "wired-\(UUID().uuidString.lowercased())"
        let storageEnvironment = [
            "AWS_ACCESS_KEY_ID": s3.accessKeyID, "AWS_SECRET_ACCESS_KEY": s3.secretAccessKey, "AWS_REGION": s3.region,
            "AWS_ENDPOINT_URL": s3.endpoint,
        ]
        let bucket = S3Client(configuration: try await S3TestServer.configuration(prefix: prefix))
        let api = try await TestServer.make(workers: 0, store: .postgres) { configuration in
            configuration.storage = "s3://\(s3.bucket)/\(prefix)"
            configuration.storageEnvironment = storageEnvironment
        }
        let database = try #require(api.dependencies.configuration.database)
        let render = try await TestServer.make(workers: 1) { configuration in
            configuration.database = database
            configuration.storage = "s3://\(s3.bucket)/\(prefix)"
            configuration.storageServe = .stream
            configuration.storageEnvironment = storageEnvironment
        }
        let clipDuration = try #require(try Oracle.probe(Paths.fixture("clip_1280x720_30.mp4")).format.duration.flatMap(Double.init))

        try await api.test(.router) { apiClient in
            try await render.test(.router) { renderClient in
                let clip = try await apiClient.upload("clip_1280x720_30.mp4")
                let clipID = try #require(clip["id"] as? String)
                let clipKey = try #require((clip["media"] as? [String: Any])?["path"] as? String)
                // In the bucket, and on no node's disk but the uploading node's cache.
                #expect(try await bucket.head(key: clipKey).size == clip["size_bytes"] as? Int64 ?? -1)
                #expect(try FileManager.default.contentsOfDirectory(atPath: api.directory.path + "/assets").isEmpty)
                #expect(!FileManager.default.fileExists(atPath: render.directory.path + "/" + clipKey))

                // The API node runs nothing: the render node's worker takes the job.
                let submitted = try await apiClient.postJSON(
                    "/api/mv/merge_videos",
                    timelineJSON(
                        clips: [clipID, clipID],
                        extra: #""transition": {"type": "fade", "duration": 0.5}, "outputs": {"poster": {"width": 160}, "mp3": {}}"#))
                #expect(submitted.status == .accepted)
                let job = try await apiClient.waitForJob(try #require(submitted.body["job_id"] as? String), timeout: .seconds(240))
                #expect(job["status"] as? String == "succeeded", "\(job)")
                let result = try #require(job["result"] as? [String: Any])
                let videoURL = try #require(result["video_url"] as? String)
                let videoID = try #require(result["video_id"] as? String)
                let videoRow = try #require(try await api.dependencies.jobs.video(videoID))
                let videoKey = MediaLibrary.videoKey(path: videoRow.path)
                #expect(videoKey.contains(".a1-"), "the attempt's own name: \(videoKey)")
                // The extra files are objects beside the video's, served through the API.
                let posterKey = MediaLibrary.videoKey(path: (videoRow.path as NSString).deletingPathExtension + ".poster.jpg")
                let posterSize = try await bucket.head(key: posterKey).size
                #expect(posterSize > 0)
                let outputs = try #require(result["outputs"] as? [String: [String: Any]])
                #expect(outputs["poster"]?["url"] as? String == videoURL + "/files/poster.jpg")
                #expect(outputs["mp3"]?["content_type"] as? String == "audio/mpeg")
                try await renderClient.execute(uri: videoURL + "/files/poster.jpg", method: .get) { response in
                    #expect(response.status == .ok && Int64(response.body.readableBytes) == posterSize)
                }

                // The object as the bucket holds it.
                let objectPath = api.directory.path + "/object.mp4"
                _ = try await bucket.get(key: videoKey, to: objectPath)
                let object = try Data(contentsOf: URL(fileURLWithPath: objectPath))

                // Redirect mode: 302 to a presigned GET whose bytes are the object's.
                let location = try await apiClient.execute(uri: videoURL, method: .get) { response -> String in
                    #expect(response.status == .found)
                    #expect(response.headers[.cacheControl] == "no-store")
                    return response.headers[.location] ?? ""
                }
                #expect(location.hasPrefix(s3.endpoint + "/"), "\(location)")
                #expect(location.contains("X-Amz-Signature="))
                let fetched = api.directory.path + "/fetched.mp4"
                let download = try ProcessRunner.run("curl", ["-s", "-f", "-o", fetched, location])
                #expect(download.status == 0, "\(download.stderr)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: fetched)) == object)
                let probe = try Oracle.probe(fetched)
                #expect(probe.format.format_name.contains("mp4"))
                #expect(abs((probe.format.duration.flatMap(Double.init) ?? 0) - (2 * clipDuration - 0.5)) < 0.1)
                // HEAD redirects the same way.
                try await apiClient.execute(uri: videoURL, method: .head) { response in #expect(response.status == .found) }

                // Stream mode: the bytes through the API, whole and by range.
                try await renderClient.execute(uri: videoURL, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(Data(response.body.readableBytesView) == object)
                }
                try await renderClient.execute(uri: videoURL, method: .get, headers: [.range: "bytes=100-1099"]) { response in
                    #expect(response.status == .partialContent)
                    #expect(response.headers[.contentRange] == "bytes 100-1099/\(object.count)")
                    #expect(Data(response.body.readableBytesView) == object[100..<1100])
                }
                try await renderClient.execute(uri: "/api/assets/\(clipID)/content", method: .get, headers: [.range: "bytes=0-99"]) { response in
                    #expect(response.status == .partialContent)
                    #expect(response.body.readableBytes == 100)
                }
                try await apiClient.execute(uri: "/api/assets/\(clipID)/content", method: .get) { response in
                    #expect(response.status == .found)
                }
                // The render node's data directory never held the asset: it came through the cache.
                #expect(try FileManager.default.contentsOfDirectory(atPath: render.directory.path + "/assets").isEmpty)

                // Deleting the asset removes its object.
                try await apiClient.execute(uri: "/api/assets/\(clipID)", method: .delete) { response in
                    #expect(response.status == .noContent)
                }
                #expect(await Self.isGone(clipKey, from: bucket))
                try await apiClient.execute(uri: "/api/assets/\(clipID)/content", method: .get) { response in
                    #expect(response.status == .notFound)
                }

                // Retention removes the video's object with its job.
                let sweeper = try #require(api.dependencies.sweeper as? RetentionSweeper)
                #expect(await sweeper.sweep(now: Date().timeIntervalSince1970 + 1e9) == 1)
                #expect(await Self.isGone(videoKey, from: bucket))
                #expect(await Self.isGone(posterKey, from: bucket), "the extra files go with the video")
                try await apiClient.execute(uri: videoURL, method: .get) { response in #expect(response.status == .notFound) }
            }
        }
    }
}

extension S3WiredServerTests {
    /// One node on SQLite with the bucket: a generated clip becomes a video object, and a
    /// song no longer in the node's cache is downloaded again for its analysis.
    @Test func generatedClipsAndAnalysesGoThroughTheBucket() async throws {
        let s3 = try #require(S3TestServer.current?.environment)
        let prefix = "wired-\(UUID().uuidString.lowercased())"
        let bucket = S3Client(configuration: try await S3TestServer.configuration(prefix: prefix))
        let server = try await TestServer.make(workers: 1) { configuration in
            configuration.storage = "s3://\(s3.bucket)/\(prefix)"
            configuration.storageEnvironment = [
                "AWS_ACCESS_KEY_ID": s3.accessKeyID, "AWS_SECRET_ACCESS_KEY": s3.secretAccessKey, "AWS_REGION": s3.region,
                "AWS_ENDPOINT_URL": s3.endpoint,
            ]
        }
        let storage = try #require(server.dependencies.store.media.storage as? S3MediaStorage)
        try await server.test { client in
            let answer = try await client.postJSON(
                "/api/mv/generate_video?wait=100",
                #"{"prompt": "a red fox running through snow", "model": "mock-video", "duration": 2, "aspect_ratio": "9:16", "resolution": "512p"}"#)
            #expect(answer.body["status"] as? String == "succeeded", "\(answer.body)")
            let videoID = try #require((answer.body["result"] as? [String: Any])?["video_id"] as? String)
            let videoKey = MediaLibrary.videoKey(path: try await server.videoFile(videoID))
            let object = server.directory.path + "/generated.mp4"
            _ = try await bucket.get(key: videoKey, to: object)
            #expect(abs((Double(try Oracle.probe(object).format.duration ?? "") ?? 0) - 2) < 0.05)
            try await client.execute(uri: "/api/mv/get_video/\(videoID)", method: .get) { response in #expect(response.status == .found) }

            let song = try await client.upload("song_120bpm.m4a", contentType: "audio/mp4")
            let songKey = try #require((song["media"] as? [String: Any])?["path"] as? String)
            await storage.cache.remove(key: songKey)
            #expect(await !storage.cache.contains(key: songKey))
            let analysis = try await client.postJSON("/api/mv/analyze_audio?wait=100", #"{"audio": "\#(song["id"] as? String ?? "")"}"#)
            #expect(analysis.body["status"] as? String == "succeeded", "\(analysis.body)")
            let tempo = try #require((analysis.body["result"] as? [String: Any])?["tempo"] as? Double)
            #expect(abs(tempo - 120) < 2)
            #expect(await storage.cache.contains(key: songKey), "downloaded into the cache for the analysis")
        }
    }

    static func isGone(_ key: String, from bucket: S3Client) async -> Bool {
        do {
            _ = try await bucket.head(key: key)
            return false
        } catch S3Error.notFound {
            return true
        } catch {
            return false
        }
    }
}

/// A bad storage setting stops the start with one clear line, never a crash.
@Suite struct StorageSettingTests {
    @Test(arguments: [
        (["--storage", "ftp://bucket"], "is not known"),
        (["--storage", "s3://B_A_D"], "not a valid S3 bucket name"),
        (["--storage", "s3://good-bucket", "--storage-serve", "teleport"], "redirect"),
    ])
    func aBadSettingIsRefused(arguments: [String], message: String) throws {
        let data = try TemporaryDirectory()
        let result = try ProcessRunner.run(
            Paths.mergeServer, ["serve", "--port", "0", "--data-dir", data.path, "--workers", "0"] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func withoutCredentialsS3IsRefused() throws {
        let data = try TemporaryDirectory()
        let result = try ProcessRunner.run(
            "/usr/bin/env",
            [
                "-u", "AWS_ACCESS_KEY_ID", "-u", "AWS_SECRET_ACCESS_KEY", Paths.mergeServer, "serve", "--port", "0", "--data-dir", data.path,
                "--storage", "s3://good-bucket",
            ])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("AWS_ACCESS_KEY_ID"), "\(result.stderr)")
    }
}
