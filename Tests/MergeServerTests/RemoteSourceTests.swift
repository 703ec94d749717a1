import Foundation
import Generation
import Hummingbird
import HummingbirdTesting
import MergeServer
import NIOCore
import Synchronization
import TestSupport
import Testing

/// Sources given by URL: fetched into the asset store when the job runs, from public
/// addresses and the operator's allow-list only (the file server here is on loopback).
@Suite struct RemoteSourceTests {
    /// Requests the file server answered.
    final class Hits: Sendable {
        let count = Mutex(0)
    }

    /// A loopback file server for the fixtures (`/files/missing.mp4` answers 404;
    /// `/to?to=URL` redirects to URL).
    static func fileServer(hits: Hits) -> some ApplicationProtocol {
        let router = Router()
        router.get("/to") { request, _ -> Response in
            hits.count.withLock { $0 += 1 }
            return Response(status: .found, headers: [.location: request.uri.queryParameters.get("to") ?? "/"])
        }
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
            let server = try await TestServer.make(workers: 1) { $0.limits.fetchAllow = ["127.0.0.1"] }
            try await server.test { client in
                let local = try await client.uploadID("clip_640x480_25.mp4")
                let body = timelineJSON(
                    clips: ["\(base)/clip_1280x720_30.mp4", local, "\(base)/clip_1280x720_30.mp4"],
                    extra: #""output": {"width": 640, "height": 360}"#)
                let accepted = try await client.postJSON("/api/mv/merge_videos", body)
                #expect(accepted.status == .accepted, "\(accepted.body)")
                let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "")
                #expect(job["status"] as? String == "succeeded", "\(job)")
                let videoID = try #require((job["result"] as? [String: Any])?["video_id"] as? String)
                let probe = try Oracle.probe(try await server.videoFile(videoID))
                let parts = try [Oracle.probe(Paths.fixture("clip_1280x720_30.mp4")), Oracle.probe(Paths.fixture("clip_640x480_25.mp4"))]
                    .map { Double($0.format.duration ?? "") ?? 0 }
                #expect(abs((Double(probe.format.duration ?? "") ?? 0) - (2 * parts[0] + parts[1])) < 0.1)
                // Fetched once for its two uses, and stored as an asset like an upload.
                #expect(hits.count.withLock { $0 } == 1)
                let sha = try Oracle.sha256(Paths.fixture("clip_1280x720_30.mp4"))
                #expect(try await server.dependencies.assets.find(sha256: sha, owner: nil) != nil)

                let missing = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: ["\(base)/missing.mp4"]))
                #expect(missing.status == .accepted)
                let failed = try await client.waitForJob(missing.body["job_id"] as? String ?? "")
                #expect(failed["status"] as? String == "failed")
                let failure = failed["error"] as? [String: Any]
                #expect(failure?["type"] as? String == "download_failed")
                #expect(failure?["message"] as? String == "could not fetch the URL (127.0.0.1): HTTP status 404")

                let notURL = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: ["https://"]))
                #expect(notURL.status == .unprocessableContent)
            }
        }
    }

    /// Runs a job and returns its error object, checking it failed at once and names no port.
    private static func failure(_ client: any TestClientProtocol, _ uri: String, _ body: String, port: Int) async throws -> [String: Any] {
        let accepted = try await client.postJSON(uri, body)
        #expect(accepted.status == .accepted, "\(accepted.body)")
        let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "")
        #expect(job["status"] as? String == "failed", "\(job)")
        #expect(job["attempts"] as? Int == 1, "a refused URL is not retried")
        let failure = job["error"] as? [String: Any] ?? [:]
        let text = "\(failure)"
        #expect(!text.contains(String(port)), "the error names the port: \(text)")
        return failure
    }

    @Test func urlSourcesOnInternalAddressesFailWithoutAnyRequest() async throws {
        let hits = Hits()
        try await Self.fileServer(hits: hits).test(.live) { files in
            let port = try #require(files.port)
            let server = try await TestServer.make(workers: 1)
            try await server.test { client in
                let clip = try await Self.failure(
                    client, "/api/mv/merge_videos",
                    timelineJSON(clips: ["http://127.0.0.1:\(port)/files/clip_640x480_25.mp4"]), port: port)
                #expect(clip["type"] as? String == "url_not_allowed")
                #expect(clip["message"] as? String == "could not fetch the URL (127.0.0.1): it is not a public address")
                #expect((clip["suggestion"] as? String ?? "").contains("MERGE_SERVER_FETCH_ALLOW"))
                // Nothing reached loopback; only then are the other internal addresses tried.
                try #require(hits.count.withLock { $0 } == 0)

                let local = try await client.uploadID("clip_640x480_25.mp4")
                let song = try await Self.failure(
                    client, "/api/mv/merge_videos",
                    timelineJSON(clips: [local], extra: #""audio": {"source": "http://[::1]:\#(port)/files/song_120bpm.m4a"}"#),
                    port: port)
                #expect(song["type"] as? String == "url_not_allowed")
                let metadata = try await Self.failure(
                    client, "/api/mv/generate_video",
                    #"{"prompt": "a cat", "image": "http://169.254.169.254/latest/meta-data/x.png"}"#, port: port)
                #expect(metadata["type"] as? String == "url_not_allowed")
                let privateAddress = try await Self.failure(
                    client, "/api/mv/merge_videos",
                    timelineJSON(clips: ["http://10.0.0.1:\(port)/clip.mp4"]), port: port)
                #expect(privateAddress["message"] as? String == "could not fetch the URL (10.0.0.1): it is not a public address")
                #expect(hits.count.withLock { $0 } == 0)
            }
        }
    }

    @Test func aRedirectFromAnAllowedHostToLoopbackIsRefusedBeforeItsRequest() async throws {
        let hits = Hits()
        try await Self.fileServer(hits: hits).test(.live) { files in
            let port = try #require(files.port)
            // files.test is this loopback server, allowed by name; 127.0.0.1 is not allowed.
            let fetchClient = CurlHTTPClient(
                environment: [:], addressPolicy: try AddressPolicy(allowing: ["files.test"]),
                resolve: ["files.test:\(port):127.0.0.1"])
            let server = try await TestServer.make(workers: 1, fetchClient: fetchClient)
            try await server.test { client in
                let target = "http://127.0.0.1:\(port)/files/clip_640x480_25.mp4"
                let failure = try await Self.failure(
                    client, "/api/mv/merge_videos",
                    timelineJSON(clips: ["http://files.test:\(port)/to?to=\(target)"]), port: port)
                #expect(failure["type"] as? String == "url_not_allowed")
                #expect(hits.count.withLock { $0 } == 1, "the redirect answered; its target got no request")

                // The same file by the allowed name is fetched.
                let accepted = try await client.postJSON(
                    "/api/mv/merge_videos",
                    timelineJSON(clips: ["http://files.test:\(port)/files/clip_640x480_25.mp4"]))
                let job = try await client.waitForJob(accepted.body["job_id"] as? String ?? "")
                #expect(job["status"] as? String == "succeeded", "\(job)")
                #expect(hits.count.withLock { $0 } == 2)
            }
        }
    }

    @Test func aMalformedAllowListStopsTheServerAtStart() async throws {
        let error = await #expect(throws: ConfigurationError.self) {
            _ = try await TestServer.make { $0.limits.fetchAllow = ["10.0.0.0/33"] }
        }
        #expect(error?.description.contains("MERGE_SERVER_FETCH_ALLOW") == true)
        #expect(error?.description.contains("10.0.0.0/33") == true)
    }
}
