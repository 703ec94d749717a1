import Foundation
import Synchronization
import Hummingbird
import HummingbirdTesting
import MergeServer
import NIOCore
import Testing
import TestSupport

/// Sources given by URL: fetched into the asset store when the job runs.
@Suite struct RemoteSourceTests {
    /// A loopback file server for the fixtures; `/missing` answers 404.
    /// Requests the file server answered.
    final class Hits: Sendable {
        let count = Mutex(0)
    }

    static func fileServer(hits: Hits) -> some ApplicationProtocol {
        let router = Router()
        router.get("/files/:name") { _, context -> Response in
            hits.count.withLock { $0 += 1 }
            let name = try context.parameters.require("name")
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: Paths.fixture(name))) else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: "video/mp4"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        return Application(router: router)
    }

    @Test func mergeFetchesURLSourcesAndFailsClearlyOnAMissingOne() async throws {
        let hits = Hits()
        try await Self.fileServer(hits: hits).test(.live) { files in
            let base = "http://127.0.0.1:\(files.port!)/files"
            let server = try await TestServer.make(workers: 1)
            try await server.test { client in
                let local = try await client.uploadID("clip_640x480_25.mp4")
                let body = timelineJSON(clips: ["\(base)/clip_1280x720_30.mp4", local, "\(base)/clip_1280x720_30.mp4"],
                                        extra: #""output": {"width": 640, "height": 360}"#)
                let accepted = try await client.postJSON("/api/mv/merge_videos", body)
                #expect(accepted.status == .accepted, "\(accepted.body)")
                let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "")
                #expect(job["status"] as? String == "succeeded", "\(job)")
                let videoID = try #require((job["result"] as? [String: Any])?["video_id"] as? String)
                let probe = try Oracle.probe((server.videosDirectory as NSString).appendingPathComponent("\(videoID).mp4"))
                let parts = try [Oracle.probe(Paths.fixture("clip_1280x720_30.mp4")), Oracle.probe(Paths.fixture("clip_640x480_25.mp4"))]
                    .map { Double($0.format.duration ?? "") ?? 0 }
                #expect(abs((Double(probe.format.duration ?? "") ?? 0) - (2 * parts[0] + parts[1])) < 0.1)
                // Fetched once for its two uses, and stored as an asset like an upload.
                #expect(hits.count.withLock { $0 } == 1)
                let sha = try Oracle.sha256(Paths.fixture("clip_1280x720_30.mp4"))
                #expect(try await server.dependencies.assets.find(sha256: sha) != nil)

                let missing = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: ["\(base)/missing.mp4"]))
                #expect(missing.status == .accepted)
                let failed = try await client.waitForJob(missing.body["job_id"] as? String ?? "")
                #expect(failed["status"] as? String == "failed")
                let failure = failed["error"] as? [String: Any]
                #expect(failure?["type"] as? String == "download_failed")
                #expect((failure?["message"] as? String ?? "").contains("404"))

                let notURL = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: ["https://"]))
                #expect(notURL.status == .unprocessableContent)
            }
        }
    }
}
