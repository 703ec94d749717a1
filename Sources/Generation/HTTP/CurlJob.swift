/// One request handed from an async caller to the curl loop thread.
struct CurlJob: Sendable {
    enum Destination: Sendable {
        /// Read the body into memory, at most `limit` bytes.
        case memory(limit: Int64)
        /// Stream a 2xx body to `path` (through `path.partial`), at most `limit` bytes.
        case file(path: String, limit: Int64)
    }

    enum Outcome: Sendable {
        case response(HTTPResponse)
        case file(DownloadedFile)
    }

    let id: UInt64
    let request: HTTPRequest
    let destination: Destination
    let userAgent: String
    let proxies: CurlProxyEnvironment
    /// When set, every address is judged before connecting and no proxy is used.
    let addressPolicy: AddressPolicy?
    /// `host:port:address` entries that replace DNS (`CURLOPT_RESOLVE`; tests).
    let resolve: [String]
    /// Resumed exactly once, by the loop thread (or by `submit` for a job cancelled
    /// before it was queued).
    let continuation: CheckedContinuation<Outcome, any Error>
}
