import Foundation

/// Uploads reference images to Replicate's file store (`POST /v1/files`) once per
/// content hash, and reuses the URL while Replicate keeps the file.
struct ReplicateFileUploader: Sendable {
    let api: ProviderAPI
    let baseURL: String
    let cache: any UploadCache
    /// A cached URL is not handed out this close to its expiry (a prediction may queue first).
    static let expiryMargin: TimeInterval = 30 * 60
    /// When Replicate does not say how long it keeps a file.
    static let assumedLifetime: TimeInterval = 12 * 3600

    func url(for image: ReferenceImage) async throws -> String {
        if let cached = await cache.url(provider: ReplicateProvider.name, sha256: image.sha256) { return cached }
        let filename = (image.path as NSString).lastPathComponent
        let part = MultipartPart(
            name: "content", filename: filename.isEmpty ? "image" : filename, contentType: image.mimeType,
            content: .file(path: image.path))
        let request = try api.request(.post, baseURL + "/v1/files", body: .multipart([part]))
        let file = try await api.sendJSON(request, phase: .upload)
        guard let url = file["urls"]?["get"]?.string, !url.isEmpty else {
            throw api.badResponse("the file upload answer has no urls.get")
        }
        let expires = file["expires_at"]?.string.flatMap(Self.parseDate) ?? Date().addingTimeInterval(Self.assumedLifetime)
        await cache.store(
            url: url, provider: ReplicateProvider.name, sha256: image.sha256,
            expiresAt: expires.addingTimeInterval(-Self.expiryMargin))
        return url
    }

    /// RFC 3339 with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
