import Foundation
import Generation

/// Fetches media named by URL (an image to start a clip from, an expiring provider
/// link) into the asset store: streamed to disk under a size limit, hashed on the way,
/// retried when the network or the server fails for a moment, then probed and stored.
struct RemoteAssetFetcher: Sendable {
    let client: any HTTPClient
    let store: AssetStore
    let limit: Int64
    var retry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(500), maxDelay: .seconds(10))

    func fetch(_ url: String) async throws -> AssetRecord {
        let path = (store.workDirectory as NSString).appendingPathComponent("fetch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file: DownloadedFile
        do {
            file = try await retry.run(isRetryable: { ($0 as? HTTPClientError)?.isTransient ?? false }) {
                try await client.download(HTTPRequest(.get, url, timeout: .seconds(900)), to: path, limit: limit)
            }
        } catch let error as HTTPClientError {
            throw JobFailure(download: error)
        }
        do {
            let name = URL(string: url)?.lastPathComponent
            return try await store.adopt(path, sha256: file.sha256, size: file.sizeBytes, contentType: file.contentType, filename: name).asset
        } catch let problem as Problem {
            throw JobFailure(type: "invalid_media", message: "\(url): \(problem.detail)", suggestion: problem.suggestion)
        }
    }
}

extension JobFailure {
    init(download error: HTTPClientError) {
        switch error.kind {
        case .tooLarge:
            self.init(type: "too_large", message: error.description, suggestion: "use a smaller file, or raise MERGE_SERVER_MAX_UPLOAD_BYTES")
        case .status:
            self.init(type: "download_failed", message: "fetching \(error.url) answered HTTP \(error.status ?? 0)",
                      suggestion: "check that the URL is public and has not expired, or upload the file instead")
        default:
            self.init(type: "download_failed", message: "fetching \(error.url) failed: \(error.message)",
                      suggestion: "check the URL and the server's network, or upload the file instead",
                      transient: error.isTransient)
        }
    }

    /// Retried as a job only when the provider cannot have accepted (and billed) the
    /// work: running the job again would send a new create.
    init(provider error: ProviderError) {
        self.init(type: error.kind.rawValue, message: error.description, suggestion: error.suggestion,
                  transient: error.isTransient && !error.mayHaveBeenAccepted)
    }
}
