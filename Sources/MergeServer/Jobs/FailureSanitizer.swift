import Foundation

/// A job's failure as a caller may read it: no absolute path of the server's disk (paths
/// under the data directory become relative, any other one its file name) and at most a
/// short, one-line excerpt of what an upstream server answered.
enum FailureSanitizer {
    /// The longest upstream text kept in a failure message.
    static let excerptLimit = 200

    static func withoutPaths(_ text: String, dataDirectory: String?) -> String {
        var text = text
        if let dataDirectory, !dataDirectory.isEmpty {
            let absolute = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
            for prefix in Set([absolute, dataDirectory]) where prefix.hasPrefix("/") {
                text = text.replacingOccurrences(of: prefix.hasSuffix("/") ? prefix : prefix + "/", with: "")
            }
        }
        guard let absolutePath else { return text }
        let range = NSRange(text.startIndex..., in: text)
        var result = text
        for match in absolutePath.matches(in: text, range: range).reversed() {
            guard let found = Range(match.range, in: text) else { continue }
            let name = (String(text[found]) as NSString).lastPathComponent
            if let target = Range(match.range, in: result) { result.replaceSubrange(target, with: name) }
        }
        return result
    }

    /// One line of at most `excerptLimit` characters, control characters dropped.
    static func excerpt(_ text: String) -> String {
        let flat = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map {
                    CharacterSet.controlCharacters.contains($0) || CharacterSet.newlines.contains($0) ? " " : $0
                }))
        let collapsed = flat.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return collapsed.count <= excerptLimit ? collapsed : String(collapsed.prefix(excerptLimit - 1)) + "…"
    }

    /// `/a/b…` at the start of the text or after a space, quote, bracket, `=` or `,` — not
    /// the `//host/path` of a URL, which follows a colon. (NSRegularExpression is immutable
    /// and documented thread-safe.)
    nonisolated(unsafe) private static let absolutePath = try? NSRegularExpression(pattern: #"(?<=^|[\s'"(\[=,])/[^\s'"()\[\],;]+"#)
}

extension JobFailure {
    /// This failure with its message and suggestion cleaned for callers.
    func sanitized(dataDirectory: String?) -> JobFailure {
        var clean = self
        clean.message = FailureSanitizer.withoutPaths(message, dataDirectory: dataDirectory)
        clean.suggestion = suggestion.map { FailureSanitizer.withoutPaths($0, dataDirectory: dataDirectory) }
        return clean
    }
}
