import CCurl

/// One error type for libcurl: its code and its own message.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    public let code: UInt32
    public let message: String

    init(_ code: CURLcode) {
        self.code = code.rawValue
        message = String(cString: curl_easy_strerror(code))
    }

    public var description: String { "libcurl error \(code): \(message)" }
}

/// The linked libcurl, reported by /health and in error reports.
public enum Curl {
    /// Initializes libcurl once per process (not thread-safe in curl, so done under `static let`).
    static let globalInit: Result<Void, CurlError> = {
        let code = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return code == CURLE_OK ? .success(()) : .failure(CurlError(code))
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

    public static func initialize() throws(CurlError) {
        try globalInit.get()
    }
}
