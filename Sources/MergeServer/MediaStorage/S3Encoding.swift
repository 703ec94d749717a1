/// SigV4's percent-encoding (RFC 3986 unreserved characters kept, everything else as
/// `%XX` in uppercase hex). libcurl signs the path and query exactly as they are in the
/// URL, so the URL must already be in this canonical form.
enum S3Encoding {
    /// One query name or value (every `/` encoded).
    static func component(_ text: String) -> String {
        encode(text, keepingSlash: false)
    }

    /// An object key in a path (its `/` kept).
    static func path(_ key: String) -> String {
        encode(key, keepingSlash: true)
    }

    /// `name=value` pairs sorted by name, as SigV4 canonicalizes them.
    static func query(_ items: [(String, String)]) -> String {
        items.map { (component($0.0), component($0.1)) }.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    private static func encode(_ text: String, keepingSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF")
        for byte in text.utf8 {
            let unreserved =
                (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || byte == 45 || byte == 46
                || byte == 95 || byte == 126
            if unreserved || (keepingSlash && byte == 47) {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 15)])
            }
        }
        return out
    }
}
