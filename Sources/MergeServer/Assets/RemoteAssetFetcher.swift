import Foundation
import Generation

/// Fetches media named by URL (a clip or song source, an image to start a clip from)
/// into the asset store: streamed to disk under a size limit, hashed on the way,
/// retried when the network or the server fails for a moment, then probed and stored.
///
/// These URLs come from callers, so `client` must be the guarded one (an
/// `AddressPolicy`: public addresses and the operator's allow-list only), and a fetch
/// follows few redirects.
struct RemoteAssetFetcher: Sendable {
    let client: any HTTPClient
    let store: AssetStore
    let limit: Int64
    var retry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(500), maxDelay: .seconds(10))
    static let maxRedirects = 3
    /// Slower than this, a fetch stops (timed out) instead of holding a worker for 15 minutes.
    static let minimumSpeed = (bytesPerSecond: 1024, window: Duration.seconds(30))

    /// Fetches `url` and stores it as an asset of `owner` (the key of the job that named it).
    func fetch(_ url: String, owner: String?) async throws -> AssetRecord {
        let path = (store.workDirectory as NSString).appendingPathComponent("fetch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file: DownloadedFile
        do {
            file = try await retry.run(isRetryable: { ($0 as? HTTPClientError)?.isTransient ?? false }) {
                var request = HTTPRequest(.get, url, timeout: .seconds(900))
                request.maxRedirects = Self.maxRedirects
                request.minimumSpeed = Self.minimumSpeed
                return try await client.download(request, to: path, limit: limit)
            }
        } catch let error as HTTPClientError {
            throw JobFailure(download: error, limit: limit)
        }
        do {
            let name = URL(string: url)?.lastPathComponent
            return try await store.adopt(path, sha256: file.sha256, size: file.sizeBytes, contentType: file.contentType, filename: name, owner: owner)
                .asset
        } catch let failure as StorageFailure where failure.kind == .notMedia || failure.kind == .emptyUpload {
            // What the URL gave is at fault, so the job error names the URL (fetch errors are `invalid_media`).
            throw JobFailure(type: "invalid_media", message: "\(HTTPClientError.redacted(url)): \(failure.message)", suggestion: failure.suggestion)
        }
    }
}
