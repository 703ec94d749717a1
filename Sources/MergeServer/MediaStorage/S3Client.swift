import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The S3 calls MergeServer makes, over libcurl: objects are put from files (streamed,
/// never whole in memory; in parts above `multipartThreshold`), got into files (through
/// a temporary name, so a destination is whole or absent), measured, deleted. Keys are
/// relative to the configured `s3://bucket/prefix`.
///
/// A failed multipart upload is aborted before the error is thrown, so it leaves no
/// parts behind (S3 would keep and bill them until a lifecycle rule removed them).
public struct S3Client: Sendable {
    public let configuration: S3Configuration
    /// Files larger than this are uploaded in parts.
    public var multipartThreshold: Int64
    /// The size of each part but the last (S3 requires at least 5 MiB; grown when a file
    /// would need more than S3's 10,000 parts).
    public var partSize: Int64
    /// Called after each uploaded part with its number; a throw fails the upload like
    /// any other error. Tests use it to fail an upload midway.
    var afterPart: (@Sendable (Int) throws -> Void)?

    public static let minimumPartSize: Int64 = 5 << 20
    static let maximumParts: Int64 = 10_000

    public struct ObjectInfo: Sendable, Equatable {
        public var size: Int64
        public var etag: String?
    }

    public init(configuration: S3Configuration, multipartThreshold: Int64 = 64 << 20, partSize: Int64 = 16 << 20) {
        self.configuration = configuration
        self.partSize = max(Self.minimumPartSize, partSize)
        self.multipartThreshold = max(self.partSize, multipartThreshold)
    }

    // MARK: Objects

    /// Uploads the file at `path` under `key`; returns its size.
    @discardableResult
    public func put(file path: String, key: String) async throws -> Int64 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw S3Error.localFile(path: path, detail: "cannot open it: \(String(cString: strerror(errno)))", noSpace: false)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw S3Error.localFile(path: path, detail: "not a regular file", noSpace: false)
        }
        let size = Int64(info.st_size)
        if size > multipartThreshold {
            try await putInParts(descriptor: descriptor, size: size, key: key)
        } else {
            let response = try await S3Transfer(
                method: "PUT", url: objectURL(key), body: .file(descriptor: descriptor, offset: 0, length: size)
            ).perform(configuration)
            try check(response, key: key)
        }
        return size
    }

    /// Downloads `key` into `path` (created or replaced only once complete); returns its size.
    @discardableResult
    public func get(key: String, to path: String) async throws -> Int64 {
        let response = try await S3Transfer(method: "GET", url: objectURL(key), destination: .file(path: path)).perform(configuration)
        try check(response, key: key)
        var info = stat()
        guard stat(path, &info) == 0 else { throw S3Error.localFile(path: path, detail: "vanished after download", noSpace: false) }
        return Int64(info.st_size)
    }

    /// The object's size and ETag; `S3Error.notFound` when there is none.
    public func head(key: String) async throws -> ObjectInfo {
        let response = try await S3Transfer(method: "HEAD", url: objectURL(key)).perform(configuration)
        try check(response, key: key)
        guard let size = response.header("Content-Length").flatMap({ Int64($0) }) else {
            throw S3Error.transfer(detail: "HEAD \(key) answered without a Content-Length")
        }
        return ObjectInfo(size: size, etag: response.header("ETag"))
    }

    /// Deletes `key`; deleting a missing key is not an error (S3 answers 204 either way).
    public func delete(key: String) async throws {
        let response = try await S3Transfer(method: "DELETE", url: objectURL(key)).perform(configuration)
        try check(response, key: key)
    }

    /// The multipart uploads still open under `key` (a key prefix): their upload ids.
    public func openUploads(under key: String) async throws -> [String] {
        let query = S3Encoding.query([("uploads", ""), ("prefix", configuration.location.objectKey(key))])
        let response = try await S3Transfer(method: "GET", url: configuration.bucketURL() + "?" + query).perform(configuration)
        try check(response, key: key)
        return S3XML.values("UploadId", in: String(decoding: response.body, as: UTF8.self))
    }

    /// An object a listing found: its storage key (the configured prefix taken off) and
    /// when it was last written.
    public struct ListedObject: Sendable, Equatable {
        public var key: String
        public var lastModified: Date
    }

    /// Every object whose storage key starts with `key`, page after page (ListObjectsV2,
    /// 1,000 keys a page).
    public func list(under key: String) async throws -> [ListedObject] {
        let fullPrefix = configuration.location.objectKey("")
        var listed: [ListedObject] = []
        var token: String?
        repeat {
            var query: [(String, String)] = [("list-type", "2"), ("prefix", configuration.location.objectKey(key))]
            if let token { query.append(("continuation-token", token)) }
            let response = try await S3Transfer(method: "GET", url: configuration.bucketURL() + "?" + S3Encoding.query(query)).perform(configuration)
            try check(response, key: key)
            let answer = String(decoding: response.body, as: UTF8.self)
            for entry in S3XML.elements("Contents", in: answer) {
                guard let objectKey = S3XML.firstValue("Key", in: entry), objectKey.hasPrefix(fullPrefix),
                    let modified = S3XML.firstValue("LastModified", in: entry).flatMap(Self.timestamp)
                else { throw S3Error.transfer(detail: "ListObjectsV2 under \(key) answered an entry without a key or a date") }
                listed.append(ListedObject(key: String(objectKey.dropFirst(fullPrefix.count)), lastModified: modified))
            }
            token = S3XML.firstValue("IsTruncated", in: answer) == "true" ? S3XML.firstValue("NextContinuationToken", in: answer) : nil
        } while token != nil
        return listed
    }

    /// S3's `LastModified` (`2026-12-04T10:00:00.000Z`, the fraction optional).
    static func timestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    // MARK: Multipart

    private func putInParts(descriptor: Int32, size: Int64, key: String) async throws {
        // Parts grow when 10,000 of the configured size would not hold the file.
        let part = max(partSize, (size + Self.maximumParts - 1) / Self.maximumParts)
        let created = try await S3Transfer(method: "POST", url: objectURL(key, [("uploads", "")])).perform(configuration)
        try check(created, key: key)
        guard let uploadID = S3XML.firstValue("UploadId", in: String(decoding: created.body, as: UTF8.self)), !uploadID.isEmpty else {
            throw S3Error.transfer(detail: "CreateMultipartUpload for \(key) answered without an UploadId")
        }
        do {
            var etags: [String] = []
            var offset: Int64 = 0
            while offset < size {
                try Task.checkCancellation()
                let number = etags.count + 1
                let length = min(part, size - offset)
                let query: [(String, String)] = [("partNumber", String(number)), ("uploadId", uploadID)]
                let response = try await S3Transfer(
                    method: "PUT", url: objectURL(key, query), body: .file(descriptor: descriptor, offset: offset, length: length)
                ).perform(configuration)
                try check(response, key: key)
                guard let etag = response.header("ETag") else {
                    throw S3Error.transfer(detail: "UploadPart \(number) of \(key) answered without an ETag")
                }
                etags.append(etag)
                offset += length
                try afterPart?(number)
            }
            let parts = etags.enumerated().map { "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\(S3XML.escape($0.element))</ETag></Part>" }
            let document = "<CompleteMultipartUpload>\(parts.joined())</CompleteMultipartUpload>"
            let completed = try await S3Transfer(
                method: "POST", url: objectURL(key, [("uploadId", uploadID)]), body: .bytes(Array(document.utf8), contentType: "application/xml")
            ).perform(configuration)
            try check(completed, key: key)
            // S3 may answer 200 and report the failure in the body.
            let answer = String(decoding: completed.body, as: UTF8.self)
            if answer.contains("<Error>") { throw S3Error.answer(status: 500, body: completed.body, key: key) }
        } catch {
            await abort(uploadID: uploadID, key: key)
            throw error
        }
    }

    /// Aborts an upload, even from a cancelled task (the abort runs in a task of its own);
    /// its failure is not reported over the one that caused it.
    private func abort(uploadID: String, key: String) async {
        let transfer = S3Transfer(method: "DELETE", url: objectURL(key, [("uploadId", uploadID)]))
        let configuration = configuration
        _ = await Task.detached { try? await transfer.perform(configuration) }.value
    }

    // MARK: Helpers

    private func objectURL(_ key: String, _ query: [(String, String)] = []) -> String {
        let url = configuration.objectURL(configuration.location.objectKey(key))
        return query.isEmpty ? url : url + "?" + S3Encoding.query(query)
    }

    private func check(_ response: S3Transfer.Response, key: String) throws(S3Error) {
        guard (200..<300).contains(response.status) else {
            throw S3Error.answer(status: response.status, body: response.body, key: key)
        }
    }
}
