import Foundation
import HTTPTypes
import HummingbirdTesting
import MergeServer
import NIOCore
import TestSupport
import Testing

import enum Generation.SHA256Hex

/// POST /api/uploads and the asset routes, checked against the fixtures' bytes and ffprobe.
@Suite struct UploadTests {
    @Test func rawUploadIsProbedAndStoredOnce() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            let first = try await client.upload("clip_640x480_25.mp4")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("clip_640x480_25.mp4")))
            #expect(first["kind"] as? String == "video")
            #expect(first["size_bytes"] as? Int == bytes.count)
            #expect(first["sha256"] as? String == SHA256Hex.of(bytes))
            let media = try #require(first["media"] as? [String: Any])
            let video = try #require(media["video"] as? [String: Any])
            let oracle = try #require(try Oracle.probe(Paths.fixture("clip_640x480_25.mp4")).video)
            #expect(video["width"] as? Int == oracle.width && video["height"] as? Int == oracle.height)

            // The same bytes again: the same asset, 200 instead of 201, one file on disk.
            let id = try #require(first["id"] as? String)
            try await client.execute(
                uri: "/api/uploads", method: .post, headers: [.contentType: "application/octet-stream"],
                body: ByteBuffer(bytes: bytes)
            ) { response in
                #expect(response.status == .ok)
                let again = try jsonObject(response.body)["id"] as? String
                #expect(again == id)
            }
            let stored = try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/assets")
            #expect(stored.count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/uploads").isEmpty)

            // Metadata and content.
            let shown = try await client.getJSON("/api/assets/\(id)")
            #expect(shown.status == .ok && shown.body["sha256"] as? String == SHA256Hex.of(bytes))
            try await client.execute(uri: "/api/assets/\(id)/content", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Data(response.body.readableBytesView) == bytes)
                #expect(response.headers[.contentType] == "video/mp4")
            }
        }
    }

    @Test func multipartUploadTakesTheFilePart() async throws {
        let server = try await TestServer.make(workers: 0)
        let song = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("song_120bpm.m4a")))
        var multipart = Data("--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n".utf8)
        multipart += Data(
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/song.m4a\"\r\nContent-Type: audio/mp4\r\n\r\n".utf8)
        multipart += song + Data("\r\n--XyZ--\r\n".utf8)
        let body = multipart
        try await server.test { client in
            try await client.execute(
                uri: "/api/uploads", method: .post, headers: [.contentType: "multipart/form-data; boundary=XyZ"],
                body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .created)
                let asset = try jsonObject(response.body)
                #expect(asset["kind"] as? String == "audio")
                #expect(asset["sha256"] as? String == SHA256Hex.of(song))
                #expect(asset["filename"] as? String == "song.m4a", "a client filename is never a path")
                #expect(asset["content_type"] as? String == "audio/mp4")
            }
        }
    }

    @Test func badUploadsAreRefusedWithTheReason() async throws {
        let server = try await TestServer.make(workers: 0) { $0.maxUploadBytes = 100_000 }
        try await server.test { client in
            func post(_ body: Data, _ type: String?) async throws -> (HTTPResponse.Status, [String: Any]) {
                var headers: HTTPFields = [:]
                if let type { headers[.contentType] = type }
                return try await client.execute(uri: "/api/uploads", method: .post, headers: headers, body: ByteBuffer(bytes: body)) {
                    ($0.status, (try? jsonObject($0.body)) ?? [:])
                }
            }
            let text = Data("just some text, not a video".utf8)
            var (status, problem) = try await post(text, "text/plain")
            #expect(status == .unsupportedMediaType && problem["type"] as? String == "unsupported_media_type")
            (status, problem) = try await post(text, nil)
            #expect(status == .unsupportedMediaType)
            (status, problem) = try await post(text, "video/mp4")
            #expect(status == .unprocessableContent && problem["type"] as? String == "not_media")
            #expect((problem["detail"] as? String ?? "").contains("not media"))
            (status, problem) = try await post(Data(), "video/mp4")
            #expect(status == .unprocessableContent && problem["type"] as? String == "empty_upload")
            let truncated = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("broken/truncated.mp4")))
            (status, problem) = try await post(truncated.prefix(90_000), "video/mp4")
            #expect(status == .unprocessableContent)
            let big = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("clip_1280x720_30.mp4")))
            (status, problem) = try await post(big, "video/mp4")
            #expect(status == .contentTooLarge && problem["type"] as? String == "upload_too_large")
            (status, problem) = try await post(
                Data("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n".utf8), "multipart/form-data; boundary=b")
            #expect(status == .unprocessableContent && problem["type"] as? String == "no_file_part")
            (status, problem) = try await post(
                Data("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc".utf8), "multipart/form-data; boundary=b")
            #expect(status == .badRequest && problem["type"] as? String == "malformed_multipart")
            // Nothing half-written is left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/uploads").isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/assets").isEmpty)
        }
    }

    @Test func assetIDsThatAreNotIDsAreRefused() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { client in
            for id in ["..%2F..%2Fetc%2Fpasswd", String(repeating: "a", count: 10_000), "ast_000000000000000000000000", "ast_ZZ"] {
                try await client.execute(uri: "/api/assets/\(id)/content", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(response.body.readableBytes < 1000, "a hostile id is not echoed whole")
                }
            }
        }
    }
}
