import Foundation
import Testing

@testable import MergeServer

/// The pure parts of the HTTP edge: Range headers (RFC 9110's examples) and the multipart parser.
@Suite struct HTTPPartsTests {
    @Test func rangeHeadersFollowRFC9110() {
        let size: Int64 = 10_000
        #expect(ByteRangeRequest(header: nil, size: size) == .whole)
        #expect(ByteRangeRequest(header: "bytes=0-499", size: size) == .partial(0...499))
        #expect(ByteRangeRequest(header: "bytes=500-999", size: size) == .partial(500...999))
        #expect(ByteRangeRequest(header: "bytes=-500", size: size) == .partial(9500...9999))
        #expect(ByteRangeRequest(header: "bytes=9500-", size: size) == .partial(9500...9999))
        #expect(ByteRangeRequest(header: "bytes=0-0", size: size) == .partial(0...0))
        #expect(ByteRangeRequest(header: "bytes=-1", size: size) == .partial(9999...9999))
        #expect(ByteRangeRequest(header: "bytes=9000-20000", size: size) == .partial(9000...9999), "an end past the file is clamped")
        #expect(ByteRangeRequest(header: "bytes=-20000", size: size) == .partial(0...9999), "a suffix longer than the file is all of it")
        #expect(ByteRangeRequest(header: "items=0-5", size: size) == .whole, "an unknown unit is ignored")
        for unsatisfiable in [
            "bytes=10000-", "bytes=-0", "bytes=5-1", "bytes=0-1,5-6", "bytes=abc", "bytes=1-2-3", "bytes=", "garbage",
            "bytes=99999999999999999999-", "bytes= - ",
        ] {
            guard case .unsatisfiable = ByteRangeRequest(header: unsatisfiable, size: size) else {
                Issue.record("\(unsatisfiable) should be unsatisfiable")
                continue
            }
        }
        guard case .unsatisfiable = ByteRangeRequest(header: "bytes=0-", size: 0) else {
            Issue.record("nothing to serve in an empty file")
            return
        }
    }

    @Test func multipartParsesWhateverTheChunking() throws {
        let payload = (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7) } + Array("\r\n--notquite".utf8)
        let body =
            Array(
                "preamble\r\n--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8)
            + payload + Array("\r\n--b0undary\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nv\r\n--b0undary--\r\nepilogue".utf8)
        for chunkSize in [1, 2, 3, 7, 13, 64, 1000, body.count] {
            var parser = MultipartParser(boundary: "b0undary")
            var events: [MultipartParser.Event] = []
            for start in stride(from: 0, to: body.count, by: chunkSize) {
                events += try parser.feed(body[start..<min(start + chunkSize, body.count)])
            }
            try parser.finish()
            var parts: [(headers: [String: String], data: [UInt8])] = []
            for event in events {
                switch event {
                case .headers(let headers): parts.append((headers, []))
                case .data(let bytes): parts[parts.count - 1].data += bytes
                case .partEnd, .end: break
                }
            }
            #expect(parts.count == 2, "chunk \(chunkSize)")
            #expect(parts.first?.data == payload, "chunk \(chunkSize)")
            #expect(parts.first?.headers["content-type"] == "application/octet-stream")
            #expect(parts.last.map { String(decoding: $0.data, as: UTF8.self) } == "v")
            #expect(events.last == .end)
        }
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=\"a b\"") == "a b")
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data") == nil)
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
        var truncated = MultipartParser(boundary: "b")
        _ = try truncated.feed(Array("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc".utf8))
        #expect(throws: MultipartParser.Failure.self) { try truncated.finish() }
        var hugeHeaders = MultipartParser(boundary: "b")
        #expect(throws: MultipartParser.Failure.self) {
            _ = try hugeHeaders.feed(Array("--b\r\n".utf8) + Array(repeating: UInt8(ascii: "h"), count: 20_000))
        }
    }

    @Test func idsAreCheckedStrictly() {
        let id = Identifier.make(.job)
        #expect(Identifier.isValid(id, .job))
        #expect(!Identifier.isValid(id, .asset))
        #expect(!Identifier.isValid(id.uppercased(), .job))
        #expect(!Identifier.isValid("job_../../etc/passwd", .job))
        #expect(Identifier.video(forJob: id).hasSuffix(String(id.dropFirst(4))))
        #expect(Identifier.isValid(Identifier.video(forJob: id), .video))
        let cursor = JobCursor(createdAt: 1_795_000_000.123, id: id)
        #expect(JobCursor(token: cursor.token) == cursor)
        #expect(JobCursor(token: "not a cursor") == nil)
    }
}
