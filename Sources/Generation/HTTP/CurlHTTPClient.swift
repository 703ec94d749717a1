import Foundation

/// `HTTPClient` over libcurl. All transfers run on one dedicated thread through one curl
/// multi handle (`CurlMultiLoop`), which keeps connections alive for reuse; callers only
/// await. TLS verification is libcurl's default (on) and is never disabled; redirects
/// are followed (at most `HTTPRequest.maxRedirects`, http and https only); proxies come
/// from the environment (`http_proxy`, `https_proxy`/`HTTPS_PROXY`, `all_proxy`/`ALL_PROXY`,
/// `no_proxy`/`NO_PROXY`; never `HTTP_PROXY`, see `CurlProxyEnvironment`).
///
/// A client with an `AddressPolicy` is for URLs users give: it judges every address
/// right before connecting (after DNS, after each redirect) and uses no proxy, which
/// would connect out of its sight. Its connections are its own (one multi handle per
/// client), so it never reuses one that an unguarded client opened to an internal host.
///
/// A cancelled task stops its transfer promptly and throws `CancellationError`; a
/// cancelled download leaves no file behind.
public final class CurlHTTPClient: HTTPClient {
    /// One client for the process, so every caller shares its connections.
    public static let shared = CurlHTTPClient()

    private let userAgent: String
    private let proxies: CurlProxyEnvironment
    private let addressPolicy: AddressPolicy?
    private let resolve: [String]
    private let loop = CurlMultiLoop()

    /// - Parameters:
    ///   - userAgent: sent as `User-Agent` unless a request sets its own.
    ///   - environment: where the proxy variables are read (tests pass their own).
    ///   - addressPolicy: when set, the only addresses this client connects to (and no proxy).
    ///   - resolve: `host:port:address` entries used instead of DNS (`CURLOPT_RESOLVE`), so
    ///     tests can name a host that resolves to loopback without touching /etc/hosts.
    public init(
        userAgent: String = "merge-server", environment: [String: String] = ProcessInfo.processInfo.environment,
        addressPolicy: AddressPolicy? = nil, resolve: [String] = []
    ) {
        self.userAgent = userAgent
        proxies = CurlProxyEnvironment(environment)
        self.addressPolicy = addressPolicy
        self.resolve = resolve
    }

    deinit { loop.shutdown() }

    /// New connections opened so far; with keep-alive, sequential requests to one server
    /// open one. For tests and diagnostics.
    public var connectionsOpened: Int { loop.connectionsOpened }

    public func send(_ request: HTTPRequest, limit: Int64) async throws -> HTTPResponse {
        switch try await perform(request, .memory(limit: max(0, limit))) {
        case .response(let response): return response
        case .file: throw HTTPClientError(.io, "A download came back for a send.", url: request.url, sent: true)
        }
    }

    public func download(_ request: HTTPRequest, to path: String, limit: Int64) async throws -> DownloadedFile {
        switch try await perform(request, .file(path: path, limit: max(0, limit))) {
        case .file(let file): return file
        case .response: throw HTTPClientError(.io, "A response came back for a download.", url: request.url, sent: true)
        }
    }

    private func perform(_ request: HTTPRequest, _ destination: CurlJob.Destination) async throws -> CurlJob.Outcome {
        if let failure = Curl.initializationFailure {
            throw HTTPClientError(.io, "libcurl could not be initialized: \(failure).", url: request.url, sent: false)
        }
        let id = loop.makeID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                loop.submit(
                    CurlJob(
                        id: id, request: request, destination: destination, userAgent: userAgent,
                        proxies: proxies, addressPolicy: addressPolicy, resolve: resolve,
                        continuation: continuation))
            }
        } onCancel: {
            loop.cancel(id)
        }
    }
}
