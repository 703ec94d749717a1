import Foundation

/// Remembers where a reference image was uploaded, per provider and content hash, so it
/// is uploaded once while the provider keeps it (`expiresAt`).
public protocol UploadCache: Sendable {
    func url(provider: String, sha256: String) async -> String?
    func store(url: String, provider: String, sha256: String, expiresAt: Date) async
}

/// The in-process cache (tests, the command line); the server keeps one in SQLite.
public actor MemoryUploadCache: UploadCache {
    private var entries: [String: (url: String, expiresAt: Date)] = [:]

    public init() {}

    public func url(provider: String, sha256: String) -> String? {
        guard let entry = entries["\(provider)/\(sha256)"], entry.expiresAt > Date() else { return nil }
        return entry.url
    }

    public func store(url: String, provider: String, sha256: String, expiresAt: Date) {
        entries["\(provider)/\(sha256)"] = (url, expiresAt)
    }
}
