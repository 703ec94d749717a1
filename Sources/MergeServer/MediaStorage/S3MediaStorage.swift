import Foundation

/// Media in an S3-compatible bucket, for nodes that share no disk. Stored files are
/// uploaded and then kept in a bounded local cache (a rendered video is likely to be
/// fetched next); reads download into that cache once and are served from it.
/// `serving` answers a presigned URL when `redirects` is on, otherwise the cached file.
public struct S3MediaStorage: MediaStorage {
    public let client: S3Client
    public let cache: BoundedFileCache
    /// Whether clients are sent to the bucket (302 to a presigned URL) instead of being
    /// streamed the bytes through the API.
    public let redirects: Bool
    private let presigner: S3Presigner

    public init(client: S3Client, cache: BoundedFileCache, redirects: Bool = false) {
        self.client = client
        self.cache = cache
        self.redirects = redirects
        presigner = S3Presigner(configuration: client.configuration)
    }

    public func store(file path: String, key: String) async throws -> Int64 {
        try MediaStorageKey.validate(key)
        let size = try await client.put(file: path, key: key)
        // Kept as the cached copy; if that fails, the object is stored all the same.
        do {
            try await cache.insert(key: key, movingFile: path)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
        }
        return size
    }

    public func fetch(key: String, to path: String) async throws -> Int64 {
        try await withLocalFile(key: key) { cached in try LocalCopy.copy(cached, to: path) }
    }

    public func withLocalFile<Value: Sendable>(key: String, _ body: (String) async throws -> Value) async throws -> Value {
        try MediaStorageKey.validate(key)
        let client = client
        do {
            return try await cache.withFile(key: key, fill: { path in try await client.get(key: key, to: path) }, body)
        } catch S3Error.notFound {
            throw MediaStorageError.notFound(key: key)
        }
    }

    public func size(key: String) async throws -> Int64 {
        try MediaStorageKey.validate(key)
        do {
            return try await client.head(key: key).size
        } catch S3Error.notFound {
            throw MediaStorageError.notFound(key: key)
        }
    }

    public func delete(key: String) async throws {
        try MediaStorageKey.validate(key)
        await cache.remove(key: key)
        try await client.delete(key: key)
    }

    public func serving(key: String, expiresIn seconds: Int) async throws -> MediaServing {
        guard redirects else {
            return try await withLocalFile(key: key) { .file(path: $0) }
        }
        // Checked first: a redirect to a missing object would be a 404 from the bucket, in its own words.
        _ = try await size(key: key)
        return .redirect(url: try presigner.presignedGET(key: key, expiresIn: seconds))
    }
}
