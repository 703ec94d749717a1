#if canImport(Glibc)
    import Glibc
#endif

/// Where finished media (rendered videos, uploaded assets) is kept: the local data
/// directory (`LocalMediaStorage`, the default) or an S3-compatible bucket
/// (`S3MediaStorage`, for a cluster whose API nodes and workers share no disk).
///
/// Keys are relative paths such as `videos/vid_123.mp4` (see `MediaStorageKey`).
public protocol MediaStorage: Sendable {
    /// Stores the finished file at `path` under `key`, taking the file (it is moved,
    /// or uploaded and then kept in the local cache); returns its size. On failure the
    /// file is left where it was.
    @discardableResult
    func store(file path: String, key: String) async throws -> Int64

    /// Writes a copy of `key`'s bytes to `path` (whole or not at all); returns its size.
    @discardableResult
    func fetch(key: String, to path: String) async throws -> Int64

    /// Runs `body` with a local path holding `key`'s bytes, valid until `body` returns.
    func withLocalFile<Value: Sendable>(key: String, _ body: (String) async throws -> Value) async throws -> Value

    /// The stored size of `key`.
    func size(key: String) async throws -> Int64

    /// Removes `key`; a missing key is not an error.
    func delete(key: String) async throws

    /// How `key` is handed to an HTTP client: a local file to stream, or a URL to redirect
    /// to, valid `expiresIn` seconds.
    func serving(key: String, expiresIn seconds: Int) async throws -> MediaServing
}

/// How a stored file reaches an HTTP client.
public enum MediaServing: Sendable, Equatable {
    /// Stream this local file. For cached S3 objects, open it promptly: the cache may
    /// evict it later (an open file stays readable).
    case file(path: String)
    /// Answer 302 to this presigned URL.
    case redirect(url: String)
}

public enum MediaStorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The latest errno, as a `localFile` error for `path`.
    static func errno(_ path: String) -> MediaStorageError {
        let code = Glibc.errno
        return .localFile(path: path, detail: String(cString: strerror(code)), noSpace: code == ENOSPC || code == EDQUOT)
    }

    case notFound(key: String)
    case invalidKey(key: String, reason: String)
    /// A local file or directory could not be used; `noSpace` when the disk is full.
    case localFile(path: String, detail: String, noSpace: Bool)

    public var description: String {
        switch self {
        case .notFound(let key): "No stored media under \(key.debugDescription)."
        case .invalidKey(let key, let reason): "The storage key \(key.debugDescription) is not valid: \(reason)."
        case .localFile(let path, let detail, let noSpace):
            noSpace ? "No room on the disk for \(path) (\(detail)): free some space." : "Could not use \(path): \(detail)."
        }
    }
}

/// The rules every storage key follows, so one key names the same object in a
/// directory and in a bucket and can never leave the data directory: relative,
/// `/`-separated, no empty, `.` or `..` segments, no control characters or backslashes,
/// at most 512 bytes.
public enum MediaStorageKey {
    public static func validate(_ key: String) throws(MediaStorageError) {
        func refuse(_ reason: String) -> MediaStorageError { .invalidKey(key: key, reason: reason) }
        guard !key.isEmpty, key.utf8.count <= 512 else { throw refuse("it must be 1 to 512 bytes long") }
        guard !key.hasPrefix("/") else { throw refuse("it must be relative (no leading /)") }
        guard !key.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 || $0 == "\\" }) else {
            throw refuse("it contains a control character or a backslash")
        }
        guard !key.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
        else { throw refuse("it has an empty, '.' or '..' segment") }
    }
}
