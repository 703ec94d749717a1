import Foundation
import Generation
import HTTPTypes
import Hummingbird

/// Serves a file the server wrote once and never changes (an output video, an asset)
/// with the validators and ranges players use: `ETag`, `Last-Modified`,
/// `Accept-Ranges`, single `Range`s (206 + `Content-Range`, 416 + `bytes */N`),
/// `If-Range`, `If-None-Match` (304) and HEAD. The bytes stream from disk in chunks.
enum FileResponder {
    static func respond(
        path: String, contentType: String, request: Request, context: some RequestContext,
        fileIO: FileIO = FileIO()
    ) async throws -> Response {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = (attributes[.size] as? NSNumber)?.int64Value,
            let modified = attributes[.modificationDate] as? Date
        else {
            throw Problem(.notFound, type: "not_found", detail: "the file is gone (it may have expired)")
        }
        let etag = "\"\(String(size, radix: 16))-\(String(Int64(modified.timeIntervalSince1970 * 1000), radix: 16))\""
        let lastModified = httpDate(modified)
        var headers: HTTPFields = [
            .contentType: contentType, .acceptRanges: "bytes", .eTag: etag, .lastModified: lastModified,
            .cacheControl: "private, max-age=3600",
        ]

        if let noneMatch = request.headers[.ifNoneMatch],
            noneMatch.split(separator: ",").contains(where: { $0.trimmingSpaces == etag || $0.trimmingSpaces == "*" })
        {
            return Response(status: .notModified, headers: headers)
        }

        var range = ByteRangeRequest(header: request.headers[.range], size: size)
        if case .whole = range {
        } else if let ifRange = request.headers[.ifRange], !validatorMatches(ifRange, etag: etag, lastModified: lastModified) {
            // The client's copy is stale: send the whole current file.
            range = .whole
        }

        switch range {
        case .whole:
            headers[.contentLength] = String(size)
            if request.method == .head || size == 0 { return Response(status: .ok, headers: headers) }
            let body = try await fileIO.loadFile(path: path, context: context)
            return Response(status: .ok, headers: headers, body: body)
        case .partial(let bytes):
            headers[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(size)"
            headers[.contentLength] = String(bytes.count)
            if request.method == .head { return Response(status: .partialContent, headers: headers) }
            let body = try await fileIO.loadFile(path: path, range: Int(bytes.lowerBound)...Int(bytes.upperBound), context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        case .unsatisfiable(let reason):
            throw Problem(
                .rangeNotSatisfiable, type: "range_not_satisfiable", detail: reason,
                suggestion: "the file has \(size) bytes; ask for a range inside it",
                headers: [.contentRange: "bytes */\(size)", .acceptRanges: "bytes"])
        }
    }

    /// If-Range holds a strong ETag or the exact Last-Modified date.
    private static func validatorMatches(_ value: String, etag: String, lastModified: String) -> Bool {
        let trimmed = value.trimmingSpaces
        if trimmed.hasPrefix("W/") { return false }
        return trimmed == etag || trimmed == lastModified
    }

    /// RFC 9110 IMF-fixdate.
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    /// The Content-Type for a stored file, by extension (Generation's `MediaType` table).
    static func contentType(forPath path: String) -> String {
        MediaType.contentType(forPath: path) ?? "application/octet-stream"
    }
}
