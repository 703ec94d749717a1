import Foundation

/// Downloads a provider's output into the job's work directory, retrying transient
/// failures (provider storage is flaky and its URLs are fetched once).
///
/// An output URL that answers 404 or 410 has expired or was removed: that is
/// `.badResponse`, not transient — waiting will not bring the file back, and a new
/// generation (paid again) is the caller's decision, not a retry's.
///
/// Redirects lead to https only: storage links are https, and a plain-http hop would
/// let anyone on the path swap the file. The one exception is an http output on the
/// provider's own host, which only an operator-configured http base URL gives (a
/// provider or fake on loopback or the LAN): that link was never protected, so its
/// http redirects lose nothing.
struct OutputDownloader: Sendable {
    let provider: String
    let client: any HTTPClient
    let retry: RetryPolicy
    /// The host of the operator-configured base URL (lowercased).
    let providerHost: String?
    /// For the whole transfer; outputs are tens of MB at most.
    var timeout: Duration = .seconds(30 * 60)
    var maxRedirects = 5

    init(provider: String, baseURL: String, client: any HTTPClient, retry: RetryPolicy) {
        self.provider = provider
        self.client = client
        self.retry = retry
        providerHost = Self.host(of: baseURL)
    }

    /// Whether `url` is on the provider's own host (where its key may go).
    func isProviderHost(_ url: String) -> Bool {
        providerHost != nil && Self.host(of: url) == providerHost
    }

    static func host(of url: String) -> String? {
        URLComponents(string: url)?.host?.lowercased()
    }

    /// Output URLs carry no credential header (Veo's key is in the query): the download
    /// follows redirects to storage, and libcurl would carry such a header along.
    func download(_ url: String, context: GenerationContext) async throws -> DownloadedFile {
        let stem = context.workDirectory + "/" + provider + "-" + UUID().uuidString
        let urlExtension = MediaType.fromURL(url)
        let path = stem + "." + (urlExtension ?? "download")
        let request = request(for: url)
        var file = try await retry.run(isRetryable: RetryPolicy.isTransient) {
            do {
                return try await client.download(request, to: path, limit: context.downloadLimit)
            } catch let error as HTTPClientError {
                throw mapped(error)
            }
        }
        if urlExtension == nil {
            // The URL did not say what it is (Gemini's `files/x:download`): the content type does.
            let named = stem + "." + (MediaType.fileExtension(forContentType: file.contentType) ?? "bin")
            do {
                try FileManager.default.moveItem(atPath: path, toPath: named)
            } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw ProviderError(.badResponse, "could not name the downloaded output: \(error)", provider: provider, mayHaveBeenAccepted: true)
            }
            file.path = named
        }
        return file
    }

    private func request(for url: String) -> HTTPRequest {
        var request = HTTPRequest(.get, url, timeout: timeout)
        request.maxRedirects = maxRedirects
        let plainHTTP = URLComponents(string: url)?.scheme?.lowercased() == "http"
        request.redirectSchemes = plainHTTP && isProviderHost(url) ? .httpOrHTTPS : .httpsOnly
        return request
    }

    private func mapped(_ error: HTTPClientError) -> ProviderError {
        switch error.kind {
        case .status:
            let status = error.status ?? 0
            let kind = HTTPStatusMeaning.kind(status: status, phase: .download)
            let reason = status == 404 || status == 410 ? "the output URL expired or was removed" : "the output URL failed"
            return ProviderError(
                kind, "\(reason): HTTP \(status) (\(error.url))", provider: provider, status: status,
                mayHaveBeenAccepted: true)
        case .tooLarge:
            return ProviderError(
                .badResponse, "the output is larger than the download limit (\(error.url))", provider: provider,
                mayHaveBeenAccepted: true)
        case .tooManyRedirects:
            return ProviderError(
                .badResponse, "the output URL redirected more than \(maxRedirects) times (\(error.url))",
                provider: provider, mayHaveBeenAccepted: true)
        case .invalidRequest:
            return ProviderError(
                .badResponse, "the output URL, or a redirect (https only), is not usable: \(error.message) (\(error.url))",
                provider: provider, mayHaveBeenAccepted: true)
        default:
            return ProviderError(transport: error, provider: provider)
        }
    }
}
