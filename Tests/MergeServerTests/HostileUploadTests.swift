import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// Uploads made to hurt the server: playlists that point at private files and picture
/// bombs are refused with a 422 that says what to upload instead; nothing is stored.
@Suite struct HostileUploadTests {
    @Test func playlistsAndPictureBombsAreRefused() async throws {
        let server = try await TestServer.make(workers: 0)
        let scratch = try TemporaryDirectory()
        let privateFile = Paths.fixture("clip_640x480_25.mp4")
        let uploads: [(name: String, bytes: Data, words: String)] = [
            ("hls", try Data(contentsOf: URL(fileURLWithPath: HostileFiles.hlsPlaylist(in: scratch, pointingAt: privateFile))), "HLS playlist"),
            (
                "live hls", try Data(contentsOf: URL(fileURLWithPath: HostileFiles.hlsPlaylist(in: scratch, pointingAt: privateFile, live: true))),
                "HLS playlist"
            ),
            ("ffconcat", try Data(contentsOf: URL(fileURLWithPath: HostileFiles.ffconcat(in: scratch, pointingAt: privateFile))), "ffconcat script"),
            ("png bomb", Data(HostileFiles.pngBomb(width: 16000, height: 16000)), "16000×16000"),
        ]
        try await server.test { client in
            for upload in uploads {
                try await client.execute(
                    uri: "/api/uploads", method: .post, headers: [.contentType: "video/mp4"],
                    body: ByteBuffer(bytes: upload.bytes)
                ) { response in
                    #expect(response.status == .unprocessableContent, "\(upload.name)")
                    let problem = try jsonObject(response.body)
                    #expect(problem["type"] as? String == "not_media", "\(upload.name)")
                    let detail = problem["detail"] as? String ?? ""
                    #expect(detail.contains(upload.words), "\(upload.name): \(detail)")
                    #expect(!detail.contains(privateFile), "the answer does not echo the private path")
                }
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/assets").isEmpty)
    }
}
