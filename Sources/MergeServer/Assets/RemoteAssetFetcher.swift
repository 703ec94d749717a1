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

    func fetch(_ url: String) async throws -> AssetRecord {
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
            return try await store.adopt(path, sha256: file.sha256, size: file.sizeBytes, contentType: file.contentType, filename: name).asset
        } catch let problem as Problem {
            throw JobFailure(type: "invalid_media", message: "\(HTTPClientError.redacted(url)): \(problem.detail)", suggestion: problem.suggestion)
        }
    }
}

extension JobFailure {
    /// "could not fetch the URL" and the class of the reason, naming the host the
    /// caller gave and nothing a connection attempt learnt: no port, no libcurl text
    /// (which tells a refused port from a silent one).
    init(download error: HTTPClientError, limit: Int64? = nil) {
        let host = URLComponents(string: error.url)?.host.map { " (\($0))" } ?? ""
        let failed = "could not fetch the URL\(host)"
        let elsewhere = "check the URL, or upload the file instead"
        switch error.kind {
        case .refusedAddress:
            self.init(type: "url_not_allowed", message: "\(failed): it is not a public address",
                      suggestion: "use a public URL or upload the file; an operator can allow internal hosts with MERGE_SERVER_FETCH_ALLOW")
        case .tooManyRedirects:
            self.init(type: "download_failed", message: "\(failed): too many redirects (at most \(RemoteAssetFetcher.maxRedirects) are followed)",
                      suggestion: "give the final URL")
        case .tooLarge:
            self.init(type: "too_large", message: "\(failed): it is larger than \(limit.map { "\($0) bytes" } ?? "the size limit")",
                      suggestion: "use a smaller file, or raise MERGE_SERVER_MAX_UPLOAD_BYTES")
        case .timeout:
            self.init(type: "download_failed", message: "\(failed): timed out", suggestion: elsewhere, transient: true)
        case .status:
            self.init(type: "download_failed", message: "\(failed): HTTP status \(error.status ?? 0)",
                      suggestion: "check that the URL is public and has not expired, or upload the file instead",
                      transient: error.isTransient)
        case .connect, .connectionLost:
            self.init(type: "download_failed", message: "\(failed): could not connect, or the connection broke", suggestion: elsewhere,
                      transient: error.isTransient)
        case .tls:
            self.init(type: "download_failed", message: "\(failed): its TLS certificate could not be verified", suggestion: elsewhere)
        case .invalidRequest:
            self.init(type: "download_failed", message: "\(failed): only http and https URLs (and redirects) are fetched",
                      suggestion: elsewhere)
        case .io where InsufficientStorage.mentionsNoSpace(error.description):
            self.init(type: "insufficient_storage", message: "\(failed): the data directory ran out of space",
                      suggestion: "free disk space (or raise the data quota), then retry it with POST /api/jobs/{id}/retry")
        case .io:
            self.init(type: "storage_error", message: "\(failed): the server could not store it",
                      suggestion: "free disk space in the data directory", transient: true)
        }
    }

    /// Retried as a job only when the provider cannot have accepted (and billed) the
    /// work: running the job again would send a new create.
    init(provider error: ProviderError) {
        self.init(type: error.kind.rawValue, message: error.description, suggestion: error.suggestion,
                  transient: error.isTransient && !error.mayHaveBeenAccepted)
    }
}
