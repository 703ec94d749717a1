/// The per-key storage quota: the bytes a key's assets and its jobs' videos may take
/// (`merge-server keys create --storage-gb`). Uploads, fetches, generated files and new
/// jobs ask it before they write, as they ask the server's `DiskBudget`.
public struct StorageQuota: Sendable {
    let keys: APIKeyRepository
    let assets: AssetRepository

    public init(keys: APIKeyRepository, assets: AssetRepository) {
        self.keys = keys
        self.assets = assets
    }

    /// What a key may still store.
    public struct Allowance: Sendable {
        public let quotaBytes: Int64
        public let usedBytes: Int64
        public var leftBytes: Int64 { quotaBytes - usedBytes }

        /// The error for `neededBytes` more than the allowance leaves.
        func exceeded(needing neededBytes: Int64?) -> StorageQuotaExceeded {
            StorageQuotaExceeded(quotaBytes: quotaBytes, usedBytes: usedBytes, neededBytes: neededBytes)
        }
    }

    /// The allowance of `owner`: nil when it has no quota (or is no key). Throws
    /// `StorageQuotaExceeded` when nothing is left.
    public func allowance(for owner: String?) throws -> Allowance? {
        guard let owner, let quota = try keys.find(id: owner)?.limits.storageBytes else { return nil }
        let allowance = Allowance(quotaBytes: quota, usedBytes: try assets.storedBytes(owner: owner))
        guard allowance.leftBytes > 0 else { throw allowance.exceeded(needing: nil) }
        return allowance
    }
}
