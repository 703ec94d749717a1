import Foundation

/// Reads the few values MergeServer needs from S3's XML answers (error codes, upload ids,
/// ListMultipartUploads and ListObjectsV2 entries). S3's documents are flat and machine-written, so an
/// element's text between its tags is enough; entities are decoded.
enum S3XML {
    /// The text of the first `<name>` element, if there is one.
    static func firstValue(_ name: String, in xml: String) -> String? {
        values(name, in: xml).first
    }

    /// The texts of every `<name>` element, in order.
    static func values(_ name: String, in xml: String) -> [String] {
        elements(name, in: xml).map(decodeEntities)
    }

    /// What is between the tags of every `<name>` element, as written (a `<Contents>`
    /// entry of a listing, whose own elements `values` then reads).
    static func elements(_ name: String, in xml: String) -> [String] {
        var found: [String] = []
        var rest = xml[...]
        let open = "<\(name)>"
        let close = "</\(name)>"
        while let start = rest.range(of: open), let end = rest[start.upperBound...].range(of: close) {
            found.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }

    /// `text` safe inside an element.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&#34;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }
}
