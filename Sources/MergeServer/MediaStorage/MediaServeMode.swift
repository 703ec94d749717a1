/// How media kept in a bucket reaches HTTP clients (`MERGE_SERVER_STORAGE_SERVE`).
/// Local storage always streams the file itself.
public enum MediaServeMode: String, Sendable, CaseIterable {
    /// 302 to a short-lived presigned GET of the object: the bytes never pass through the API node.
    case redirect
    /// The API node streams the bytes from its cache, with ranges, as for local files
    /// (for clients that cannot reach the bucket).
    case stream
}
