import CCurl

/// The linked libcurl, reported by /health and in error reports.
public enum Curl {
    /// Initializes libcurl once per process (not thread-safe in curl, so done under
    /// `static let`): nil, or libcurl's words for why it failed.
    public static let initializationFailure: String? = {
        let code = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return code == CURLE_OK ? nil : String(cString: curl_easy_strerror(code))
    }()

    public static var version: String {
        guard let info = mc_version_info(), let text = info.pointee.version else { return "unknown" }
        return String(cString: text)
    }

    /// Protocols this libcurl speaks ("http", "https", ...).
    public static var protocols: [String] {
        guard let info = mc_version_info(), var cursor = info.pointee.protocols else { return [] }
        var names: [String] = []
        while let name = cursor.pointee {
            names.append(String(cString: name))
            cursor = cursor.advanced(by: 1)
        }
        return names
    }

}
