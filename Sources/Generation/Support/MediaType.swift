import Foundation

/// The one table of media file extensions and content types: what the server says a
/// stored file is, and what a provider's output is named after.
public enum MediaType {
    /// Extension → content type. Where several extensions share a type, the first one
    /// listed is the extension a file of that type is given.
    static let table: [(fileExtension: String, contentType: String)] = [
        ("mp4", "video/mp4"), ("m4v", "video/mp4"), ("mov", "video/quicktime"), ("mkv", "video/x-matroska"), ("webm", "video/webm"),
        ("m4a", "audio/mp4"), ("mp3", "audio/mpeg"), ("wav", "audio/wav"), ("flac", "audio/flac"), ("ogg", "audio/ogg"),
        ("aac", "audio/aac"),
        ("png", "image/png"), ("jpg", "image/jpeg"), ("jpeg", "image/jpeg"), ("webp", "image/webp"), ("gif", "image/gif"),
    ]

    private static let types: [String: String] = Dictionary(table.map { ($0.fileExtension, $0.contentType) }, uniquingKeysWith: { first, _ in first })
    private static let extensions: [String: String] = Dictionary(
        table.map { ($0.contentType, $0.fileExtension) }, uniquingKeysWith: { first, _ in first })

    /// The content type of a known extension ("JPG" or "jpg", no dot); nil otherwise.
    public static func contentType(forExtension fileExtension: String) -> String? {
        types[fileExtension.lowercased()]
    }

    /// The content type of a file by its extension; nil when the extension is not a known one.
    public static func contentType(forPath path: String) -> String? {
        contentType(forExtension: (path as NSString).pathExtension)
    }

    /// The extension for a content type ("video/mp4; codecs=…" → "mp4"); nil when unknown.
    public static func fileExtension(forContentType contentType: String?) -> String? {
        guard let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else { return nil }
        return extensions[type]
    }

    /// The known extension (lowercased) of a URL's path; the query and fragment are not
    /// looked at. Nil when the path has no known extension (Gemini's `files/x:download`).
    public static func fromURL(_ url: String) -> String? {
        guard let path = URLComponents(string: url)?.path else { return nil }
        let ext = (path as NSString).pathExtension.lowercased()
        return types[ext] == nil ? nil : ext
    }
}
