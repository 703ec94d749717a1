import Foundation

/// The storage a node uses, from its `--storage` / `MERGE_SERVER_STORAGE` setting: unset
/// or `local` for the data directory, `s3://bucket/prefix` for a bucket reached with the
/// AWS_* variables (downloads cached under the data directory).
public enum MediaStorageSetting {
    /// The cache's default bound, and where it lives inside the data directory.
    public static let defaultCacheBytes: Int64 = 10 << 30
    public static let cacheFolder = "cache/s3"

    public static func make(
        _ setting: String?, dataDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        cacheBytes: Int64 = defaultCacheBytes, redirects: Bool = false
    ) throws -> any MediaStorage {
        let text = setting?.trimmingCharacters(in: .whitespaces) ?? ""
        if text.isEmpty || text == "local" { return LocalMediaStorage(root: dataDirectory) }
        guard text.hasPrefix("s3://") else {
            throw ConfigurationError("The storage \(text.debugDescription) is not known: use local (the default) or s3://BUCKET/PREFIX.")
        }
        guard cacheBytes >= 0 else {
            throw ConfigurationError("The S3 cache size must be 0 bytes or more, not \(cacheBytes).")
        }
        let configuration = try S3Configuration.fromEnvironment(environment, location: S3Location(parsing: text))
        let cache = try BoundedFileCache(
            directory: (dataDirectory as NSString).appendingPathComponent(cacheFolder), capacity: cacheBytes)
        return S3MediaStorage(client: S3Client(configuration: configuration), cache: cache, redirects: redirects)
    }
}
