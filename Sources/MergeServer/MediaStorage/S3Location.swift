/// Where media lives in S3: a bucket and a key prefix, written `s3://bucket/prefix`.
///
/// The bucket follows S3's naming rules (3–63 lowercase letters, digits, dots and
/// hyphens, starting and ending with a letter or digit); the prefix is a `/`-separated
/// path without empty, `.` or `..` segments. Every object key is the prefix, a `/`,
/// then the storage key (or the key alone when there is no prefix).
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public let bucket: String
    /// No leading or trailing `/`; empty for the bucket's root.
    public let prefix: String

    /// Parses `s3://bucket` or `s3://bucket/prefix/`.
    public init(parsing text: String) throws(ConfigurationError) {
        let example = "use s3://BUCKET or s3://BUCKET/PREFIX, e.g. s3://my-media/merge-server"
        guard text.hasPrefix("s3://") else {
            throw ConfigurationError("The storage \(text.debugDescription) is not an s3:// URL: \(example).")
        }
        let rest = text.dropFirst("s3://".count)
        guard !rest.contains(where: { $0 == "?" || $0 == "#" || $0 == "\\" || $0.isWhitespace || $0.asciiValue.map { $0 < 32 } == true })
        else {
            throw ConfigurationError(
                "The storage \(text.debugDescription) has a query, fragment, backslash, space or control character: \(example).")
        }
        let bucketEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let bucket = String(rest[..<bucketEnd])
        try Self.validate(bucket: bucket, in: text)
        var prefix = rest[bucketEnd...].drop(while: { $0 == "/" })
        while prefix.hasSuffix("/") { prefix = prefix.dropLast() }
        let segments = prefix.split(separator: "/", omittingEmptySubsequences: false)
        if !prefix.isEmpty, segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            throw ConfigurationError(
                "The storage \(text.debugDescription) has an empty, '.' or '..' segment in its prefix: \(example).")
        }
        guard prefix.utf8.count <= 512 else {
            throw ConfigurationError("The storage prefix is \(prefix.utf8.count) bytes long; keep it under 512.")
        }
        self.bucket = bucket
        self.prefix = String(prefix)
    }

    /// The object key of a storage key.
    public func objectKey(_ key: String) -> String {
        prefix.isEmpty ? key : prefix + "/" + key
    }

    public var description: String { prefix.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(prefix)" }

    private static func validate(bucket: String, in text: String) throws(ConfigurationError) {
        guard !bucket.isEmpty else {
            throw ConfigurationError("The storage \(text.debugDescription) names no bucket: use s3://BUCKET or s3://BUCKET/PREFIX.")
        }
        let allowed = bucket.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 || $0 == 46 }
        let letterOrDigit = { (byte: UInt8?) in byte.map { (97...122).contains($0) || (48...57).contains($0) } == true }
        let edges = letterOrDigit(bucket.utf8.first) && letterOrDigit(bucket.utf8.last)
        guard (3...63).contains(bucket.utf8.count), allowed, edges, !bucket.contains("..") else {
            throw ConfigurationError(
                "The bucket \(bucket.debugDescription) is not a valid S3 bucket name: 3 to 63 lowercase letters, digits, "
                    + "dots and hyphens, starting and ending with a letter or digit.")
        }
    }
}
