import Foundation
import HummingbirdTesting
import Media
import TestSupport
import Testing

@testable import MergeServer

extension S3WiredServerTests {
    /// A chunked render on three nodes that share no disk: one PostgreSQL store, one bucket,
    /// each node its own data directory. The API node takes the uploads and the job; the two
    /// worker nodes render the parent and its parts from the assets, the plan and the parts
    /// they read from the bucket. The joined output equals the one-pass render (the same
    /// check as on one node), and the plan and parts are gone from the bucket and from every
    /// node's disk afterwards.
    @Test func aChunkedRenderRunsOnNodesThatShareOnlyTheBucket() async throws {
        let s3 = try #require(S3TestServer.current?.environment)
        let prefix = "chunks-\(UUID().uuidString.lowercased())"
        let bucket = S3Client(configuration: try await S3TestServer.configuration(prefix: prefix))
        func onTheBucket(_ configuration: inout ServerConfiguration) {
            configuration.storage = "s3://\(s3.bucket)/\(prefix)"
            configuration.storageEnvironment = [
                "AWS_ACCESS_KEY_ID": s3.accessKeyID, "AWS_SECRET_ACCESS_KEY": s3.secretAccessKey, "AWS_REGION": s3.region,
                "AWS_ENDPOINT_URL": s3.endpoint,
            ]
            configuration.chunkSeconds = 2.5
        }
        let api = try await TestServer.make(workers: 0, store: .postgres) { onTheBucket(&$0) }
        let database = try #require(api.dependencies.configuration.database)
        let workers = [
            try await TestServer.make(workers: 1) {
                onTheBucket(&$0)
                $0.database = database
            },
            try await TestServer.make(workers: 1) {
                onTheBucket(&$0)
                $0.database = database
            },
        ]

        let id = try await api.test(.router) { client in
            try await workers[0].test(.router) { _ in
                try await workers[1].test(.router) { _ in
                    let id = try await ChunkedJobTests.submit(client)
                    let job = try await client.waitForJob(id, timeout: .seconds(400))
                    #expect(job["status"] as? String == "succeeded", "\(job)")
                    return id
                }
            }
        }
        let job = try #require(try await api.dependencies.jobs.find(id))
        let result = try JSONDecoder().decode(ChunkedJobTests.ChunkedResult.self, from: Data((job.result ?? "").utf8))
        #expect(result.chunks.count >= 3, "\(result.chunks)")
        let children = try await api.dependencies.jobs.children(of: id)
        #expect(children.count == result.chunks.count + 1 && children.allSatisfy { $0.status == .succeeded })

        // The output, as the bucket holds it, against the one-pass render.
        let video = try #require(try await api.dependencies.jobs.video(result.videoID))
        let output = api.directory.path + "/chunked.mp4"
        _ = try await bucket.get(key: MediaLibrary.videoKey(path: video.path), to: output)
        try ChunkedJobTests.expectEqualsOnePassRender(output, result: result, scratch: api.directory.path)

        // Nothing of the parts is left: not in the bucket, not on any node's disk.
        let container = "mp4"
        let names = ["plan.json", "sound.\(container)"] + result.chunks.map { "chunk-\($0.index).\(container)" }
        for name in names { #expect(await Self.isGone("chunks/\(id)/\(name)", from: bucket), "\(name) is still in the bucket") }
        for node in [api] + workers {
            #expect(!FileManager.default.fileExists(atPath: node.directory.path + "/chunks/" + id))
            let parts = (try? FileManager.default.contentsOfDirectory(atPath: node.directory.path + "/chunks/parts")) ?? []
            #expect(parts.isEmpty, "\(parts)")
        }
    }
}
