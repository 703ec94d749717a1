import Foundation

/// One HTTP request for `HTTPClient`. Header names are case-insensitive; the body is
/// bytes, a file streamed from disk, or multipart form parts.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case delete = "DELETE"
        case head = "HEAD"
    }

    public enum Body: Sendable {
        case none
        case bytes(Data, contentType: String)
        case file(path: String, contentType: String)
        case multipart([MultipartPart])
    }

    public var method: Method
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Body
    /// Time allowed to open the connection (TCP + TLS).
    public var connectTimeout: Duration
    /// Time allowed for the whole exchange, body included.
    public var timeout: Duration
    /// Whether a 3xx answer is followed (at most `maxRedirects`, to `redirectSchemes`).
    /// Off, the 3xx is the answer. libcurl sends custom headers (API keys) along a
    /// redirect even to another host, so calls that carry a credential in a header turn it off.
    public var followRedirects: Bool
    /// More redirects than this fail with `.tooManyRedirects`.
    public var maxRedirects = 10
    /// Where a redirect may lead (the first URL may always be http or https).
    public var redirectSchemes = RedirectSchemes.httpOrHTTPS
    /// When set, a transfer slower than `bytesPerSecond` for `window` fails as `.timeout`,
    /// so a server that trickles cannot hold a caller for the whole `timeout`.
    public var minimumSpeed: (bytesPerSecond: Int, window: Duration)?

    public enum RedirectSchemes: String, Sendable {
        case httpOrHTTPS = "http,https"
        /// No downgrade to plain http along the way.
        case httpsOnly = "https"
    }

    public init(
        _ method: Method, _ url: String, headers: [(name: String, value: String)] = [], body: Body = .none,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60), followRedirects: Bool = true
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.followRedirects = followRedirects
    }

    /// A request whose body is `value` encoded as JSON.
    public static func json(
        _ method: Method, _ url: String, _ value: some Encodable, headers: [(name: String, value: String)] = [],
        timeout: Duration = .seconds(60)
    ) throws -> HTTPRequest {
        let data = try JSONEncoder().encode(value)
        return HTTPRequest(method, url, headers: headers, body: .bytes(data, contentType: "application/json"), timeout: timeout)
    }
}

/// One part of a multipart/form-data body: inline bytes or a file streamed from disk.
public struct MultipartPart: Sendable {
    public enum Content: Sendable {
        case bytes(Data)
        case file(path: String)
    }

    public var name: String
    public var filename: String?
    public var contentType: String?
    public var content: Content

    public init(name: String, filename: String? = nil, contentType: String? = nil, content: Content) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.content = content
    }
}

/// A response whose body was read into memory (`HTTPClient.send`). Any status is a
/// response; only transport failures throw.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// In the order received; names as the server sent them.
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The last value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(type, from: body)
    }

    /// The body as text (lossy), for error messages; at most `limit` characters.
    public func text(limit: Int = 2000) -> String {
        String(String(decoding: body.prefix(limit * 4), as: UTF8.self).prefix(limit))
    }
}

/// What `HTTPClient.download` wrote: the file, its size and SHA-256 (computed while
/// writing), and the response's status and content type.
public struct DownloadedFile: Sendable {
    public var path: String
    public var sizeBytes: Int64
    public var sha256: String
    public var contentType: String?
    public var status: Int

    public init(path: String, sizeBytes: Int64, sha256: String, contentType: String?, status: Int) {
        self.path = path
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.contentType = contentType
        self.status = status
    }
}

/// Why an exchange failed below HTTP. `sent` tells whether the request may have reached
/// the server: a create call is retried only when it cannot have been accepted.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// DNS, refused or unreachable: nothing was sent.
        case connect
        case tls
        /// The connect or total timeout passed.
        case timeout
        /// The connection broke after the request started (reset, closed early).
        case connectionLost
        /// A download passed its size limit (the partial file is removed).
        case tooLarge
        /// The address the URL leads to is not public and not allowed (`AddressPolicy`):
        /// refused before connecting, so nothing was sent.
        case refusedAddress
        /// More redirects than `HTTPRequest.maxRedirects`.
        case tooManyRedirects
        /// A download answered with a non-2xx status (the body is in `message`).
        case status
        case invalidRequest
        case io
    }

    public var kind: Kind
    public var message: String
    /// The request's URL without its query, fragment or userinfo (`HTTPClientError.redacted`):
    /// queries carry secrets (Gemini's `key=`, signed storage URLs) and this text ends
    /// up in job errors and logs.
    public private(set) var url: String
    /// True when the request may have reached the server.
    public var sent: Bool
    /// For `.status`: the HTTP status.
    public var status: Int?

    /// - Parameter url: the request's URL; only its redacted form is kept.
    public init(_ kind: Kind, _ message: String, url: String, sent: Bool, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.url = Self.redacted(url)
        self.sent = sent
        self.status = status
    }

    /// `scheme://host[:port]/path` of `url`: no userinfo, query or fragment. Text that
    /// is not a URL keeps only what comes before any `?` or `#`, without userinfo.
    public static func redacted(_ url: String) -> String {
        if let components = URLComponents(string: url), let scheme = components.scheme, let host = components.percentEncodedHost {
            let port = components.port.map { ":\($0)" } ?? ""
            return "\(scheme)://\(host)\(port)\(components.percentEncodedPath)"
        }
        var text = Substring(url)
        if let end = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<end] }
        // userinfo: between "://" and the last "@" before the path.
        if let start = text.range(of: "://")?.upperBound {
            let authorityEnd = text[start...].firstIndex(of: "/") ?? text.endIndex
            if let at = text[start..<authorityEnd].lastIndex(of: "@") {
                text = text[..<start] + text[text.index(after: at)...]
            }
        }
        return String(text)
    }

    public var description: String { "\(message) (\(url))" }

    /// Worth trying again later: the same request may succeed. Nothing answered (connect,
    /// timeout, a broken connection), or a status that says "later" (408, 429, 500, 502,
    /// 503, 504). A TLS failure, a refused request or a local I/O problem is not.
    /// Whether a retry is *safe* is `sent`'s question, not this one.
    public var isTransient: Bool {
        switch kind {
        case .connect, .timeout, .connectionLost: true
        case .status: status.map(Self.transientStatuses.contains) ?? false
        case .tls, .tooLarge, .refusedAddress, .tooManyRedirects, .invalidRequest, .io: false
        }
    }

    static let transientStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]
}

/// An HTTP/1.1 + HTTPS client. Implementations never block the cooperative thread
/// pool, reuse connections, and stop a request when its task is cancelled (throwing
/// `CancellationError`).
public protocol HTTPClient: Sendable {
    /// Sends the request and reads the whole response body (at most `limit` bytes).
    func send(_ request: HTTPRequest, limit: Int64) async throws -> HTTPResponse
    /// Streams a 2xx response body into `path` (written as `path.partial`, then renamed),
    /// hashing it on the fly; more than `limit` bytes fails with `.tooLarge` and no file.
    func download(_ request: HTTPRequest, to path: String, limit: Int64) async throws -> DownloadedFile
}

extension HTTPClient {
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await send(request, limit: 64 << 20)
    }
}
