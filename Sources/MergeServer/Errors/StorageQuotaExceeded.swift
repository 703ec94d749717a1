/// A key's storage quota (`--storage-gb`) has no room for what was asked. 507 at the
/// HTTP edge, `storage_quota_exceeded` at the job edge; the figures are the key's own.
public struct StorageQuotaExceeded: Error, Sendable, CustomStringConvertible {
    public let quotaBytes: Int64
    public let usedBytes: Int64
    /// What the refused upload, fetch or output would have added, when known.
    public let neededBytes: Int64?

    public static let suggestion =
        "delete assets you no longer need (DELETE /api/assets/{id}); videos go when their jobs expire (MERGE_SERVER_RETENTION_HOURS) and unused assets after their retention; or ask an admin for a larger --storage-gb"

    public var description: String {
        let needed = neededBytes.map { "; this needs \($0) more" } ?? ""
        return "the key's storage quota of \(quotaBytes) bytes has \(max(0, quotaBytes - usedBytes)) bytes left (it stores \(usedBytes))\(needed)"
    }
}
