import Foundation
import HTTPTypes
import HummingbirdTesting
import MergeServer
import NIOCore
import TestSupport
import Testing

/// Serving stored files: ranges byte for byte, validators, HEAD.
@Suite struct ServingTests {
    @Test func rangesServeExactBytes() async throws {
        let server = try await TestServer.make(workers: 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("clip_640x480_25.mp4")))
        let size = bytes.count
        try await server.test { client in
            let id = try await client.uploadID("clip_640x480_25.mp4")
            let uri = "/api/assets/\(id)/content"
            func get(_ headers: HTTPFields, method: HTTPRequest.Method = .get) async throws -> (HTTPResponse.Status, HTTPFields, Data) {
                try await client.execute(uri: uri, method: method, headers: headers) { ($0.status, $0.headers, Data($0.body.readableBytesView)) }
            }
            var (status, headers, body) = try await get([:])
            #expect(status == .ok && body == bytes && headers[.acceptRanges] == "bytes")
            let etag = try #require(headers[.eTag])
            let lastModified = try #require(headers[.lastModified])

            for (range, slice) in [
                ("bytes=0-99", 0..<100), ("bytes=-10", (size - 10)..<size), ("bytes=\(size - 5)-", (size - 5)..<size),
                ("bytes=100-\(size + 1000)", 100..<size),
            ] {
                (status, headers, body) = try await get([.range: range])
                #expect(status == .partialContent, "\(range)")
                #expect(body == bytes[slice], "\(range)")
                #expect(headers[.contentRange] == "bytes \(slice.lowerBound)-\(slice.upperBound - 1)/\(size)")
                #expect(headers[.contentLength] == String(slice.count))
            }
            for bad in ["bytes=\(size)-", "bytes=0-1,4-5", "bytes=nonsense", "bytes=9-1"] {
                (status, headers, body) = try await get([.range: bad])
                #expect(status == .rangeNotSatisfiable, "\(bad)")
                #expect(headers[.contentRange] == "bytes */\(size)")
                #expect(headers[.contentType] == "application/problem+json")
            }
            // If-Range: a matching validator gives the range, a stale one the whole file.
            (status, _, body) = try await get([.range: "bytes=0-9", .ifRange: etag])
            #expect(status == .partialContent && body.count == 10)
            (status, _, body) = try await get([.range: "bytes=0-9", .ifRange: lastModified])
            #expect(status == .partialContent)
            (status, _, body) = try await get([.range: "bytes=0-9", .ifRange: "\"stale\""])
            #expect(status == .ok && body == bytes)
            (status, _, _) = try await get([.ifNoneMatch: etag])
            #expect(status == .notModified)
            // HEAD: the same headers, no body.
            (status, headers, body) = try await get([:], method: .head)
            #expect(status == .ok && body.isEmpty && headers[.contentLength] == String(size))
            (status, headers, body) = try await get([.range: "bytes=-10"], method: .head)
            #expect(status == .partialContent && body.isEmpty && headers[.contentRange] == "bytes \(size - 10)-\(size - 1)/\(size)")
        }
    }
}
