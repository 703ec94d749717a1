import Foundation

/// One HTTP request for `HTTPClient`. Header names are case-insensitive; the body is
/// bytes, a file streamed from disk, or multipart form parts.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT", delete = "DELETE", head = "HEAD" }

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

    public init(_ method: Method, _ url: String, headers: [(name: String, value: String)] = [], body: Body = .none,
                connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// A request whose body is `value` encoded as JSON.
    public static func json(_ method: Method, _ url: String, _ value: some Encodable, headers: [(name: String, value: String)] = [],
                            timeout: Duration = .seconds(60)) throws -> HTTPRequest {
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
        /// A download answered with a non-2xx status (the body is in `message`).
        case status
        case invalidRequest
        case io
    }

    public var kind: Kind
    public var message: String
    public var url: String
    /// True when the request may have reached the server.
    public var sent: Bool
    /// For `.status`: the HTTP status.
    public var status: Int?

    public init(_ kind: Kind, _ message: String, url: String, sent: Bool, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.url = url
        self.sent = sent
        self.status = status
    }

    public var description: String { "\(message) (\(url))" }
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
