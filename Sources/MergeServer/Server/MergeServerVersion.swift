import Foundation

/// The server's version: the `info.version` of its OpenAPI document, its one source
/// (shown by `/health`, `--version` and the spec alike).
public enum MergeServerVersion {
    public static let current: String = version(inSpec: String(decoding: OpenAPIDocument.bytes, as: UTF8.self)) ?? "unknown"

    /// The `version:` line of the top-level `info:` block.
    static func version(inSpec text: String) -> String? {
        var inInfo = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty {
                inInfo = line.hasPrefix("info:")
                continue
            }
            let trimmed = line.drop(while: { $0 == " " })
            guard inInfo, trimmed.hasPrefix("version:") else { continue }
            let value = trimmed.dropFirst("version:".count).trimmingCharacters(in: .whitespaces)
            return value.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        }
        return nil
    }
}
