import Foundation

/// Downloads a provider's output into the job's work directory, retrying transient
/// failures (provider storage is flaky and its URLs are fetched once).
///
/// An output URL that answers 404 or 410 has expired or was removed: that is
/// `.badResponse`, not transient — waiting will not bring the file back, and a new
/// generation (paid again) is the caller's decision, not a retry's.
struct OutputDownloader: Sendable {
    let provider: String
    let client: any HTTPClient
    let retry: RetryPolicy
    /// For the whole transfer; outputs are tens of MB at most.
    var timeout: Duration = .seconds(30 * 60)

    /// Output URLs carry no credential header (Veo's key is in the query): the download
    /// follows redirects to storage, and libcurl would carry such a header along.
    func download(_ url: String, context: GenerationContext) async throws -> DownloadedFile {
        let stem = context.workDirectory + "/" + provider + "-" + UUID().uuidString
        let urlExtension = MediaType.fromURL(url)
        let path = stem + "." + (urlExtension ?? "download")
        let request = HTTPRequest(.get, url, timeout: timeout)
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

    private func mapped(_ error: HTTPClientError) -> ProviderError {
        switch error.kind {
        case .status:
            let status = error.status ?? 0
            let kind = HTTPStatusMeaning.kind(status: status, phase: .download)
            let reason = status == 404 || status == 410 ? "the output URL expired or was removed" : "the output URL failed"
            return ProviderError(kind, "\(reason): HTTP \(status) (\(error.url))", provider: provider, status: status,
                                 mayHaveBeenAccepted: true)
        case .tooLarge:
            return ProviderError(.badResponse, "the output is larger than the download limit (\(error.url))", provider: provider,
                                 mayHaveBeenAccepted: true)
        default:
            return ProviderError(transport: error, provider: provider)
        }
    }
}
