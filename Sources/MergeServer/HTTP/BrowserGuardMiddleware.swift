import Foundation
import HTTPTypes
import Hummingbird

/// Keeps web pages from driving the server through a visitor's browser.
/// - DNS rebinding: a page on `evil.example` whose name now points at 127.0.0.1 sends
///   `Host: evil.example`. Only IP literals, `localhost`, the bound name and the
///   configured public names are answered (421 otherwise).
/// - Cross-site requests: a browser sends `Origin` with them. A foreign origin is
///   refused (403) unless it is configured; configured origins get CORS headers and
///   their preflights answered. JSON routes also insist on `application/json`, which
///   a cross-site form cannot send without a preflight (see `Request.jsonBody`).
struct BrowserGuardMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let boundHost: String
    let publicHosts: Set<String>
    let allowedOrigins: Set<String>

    init(boundHost: String, publicHosts: [String], allowedOrigins: [String]) {
        self.boundHost = boundHost.lowercased()
        self.publicHosts = Set(publicHosts.map { $0.lowercased() })
        self.allowedOrigins = Set(allowedOrigins.map { Self.normalizedOrigin($0) })
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let authority = request.head.authority, !isAllowed(host: Self.hostName(ofAuthority: authority)) {
            throw Problem(
                .misdirectedRequest, type: "unknown_host",
                detail: "this server does not answer for the host \(String(authority.prefix(100)).debugDescription)",
                suggestion: "call it by its address or localhost, or add the name to MERGE_SERVER_PUBLIC_HOSTS")
        }
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let normalized = Self.normalizedOrigin(origin)
        if allowedOrigins.contains(normalized) {
            if request.method == .options { return Self.preflight(origin: origin) }
            var response: Response
            do {
                response = try await next(request, context)
            } catch {
                // The problem is rendered here, not further out, so the page can read it
                // (a browser hides an answer without CORS headers, even a 422).
                response = try ProblemMiddleware.response(for: error, request: request, context: context)
            }
            Self.addCORSHeaders(to: &response.headers, origin: origin)
            return response
        }
        guard let authority = request.head.authority, Self.isSameOrigin(normalized, authority: authority) else {
            throw Problem(
                .forbidden, type: "cross_origin_refused",
                detail: "requests from the web origin \(String(origin.prefix(100)).debugDescription) are not allowed",
                suggestion: "call the API from your own backend, or add the origin to MERGE_SERVER_ALLOWED_ORIGINS")
        }
        return try await next(request, context)
    }

    private func isAllowed(host: String) -> Bool {
        host == "localhost" || host == boundHost || publicHosts.contains(host) || Self.isIPLiteral(host)
    }

    /// `example.com:8080` → `example.com`; `[::1]:8080` → `::1`; lower-cased.
    static func hostName(ofAuthority authority: String) -> String {
        let lowered = authority.lowercased()
        if lowered.hasPrefix("["), let end = lowered.firstIndex(of: "]") {
            return String(lowered[lowered.index(after: lowered.startIndex)..<end])
        }
        if let colon = lowered.lastIndex(of: ":") { return String(lowered[..<colon]) }
        return lowered
    }

    /// An address cannot be rebound by DNS, so any IPv4 or IPv6 literal is safe to answer.
    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// `HTTPS://Studio.Example.com:443/` → `https://studio.example.com`.
    static func normalizedOrigin(_ origin: String) -> String {
        var text = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasPrefix("http://"), text.hasSuffix(":80") { text.removeLast(3) }
        if text.hasPrefix("https://"), text.hasSuffix(":443") { text.removeLast(4) }
        return text
    }

    /// The page was served by this server under the same name (its own web studio).
    /// (The scheme is the origin's: behind a TLS proxy the request itself came as http.)
    static func isSameOrigin(_ origin: String, authority: String) -> Bool {
        guard let schemeEnd = origin.range(of: "://"), !authority.isEmpty else { return false }
        let scheme = String(origin[..<schemeEnd.lowerBound])
        return normalizedOrigin(scheme + "://" + authority) == origin
    }

    static let allowedRequestHeaders = "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, X-Request-Id, Range, If-Range, If-None-Match"
    static let exposedHeaders =
        "Location, X-Request-Id, Idempotent-Replayed, Retry-After, Content-Range, Accept-Ranges, ETag, WWW-Authenticate, "
        + "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"

    static func preflight(origin: String) -> Response {
        var headers: HTTPFields = [
            .accessControlAllowMethods: "GET, HEAD, POST, DELETE",
            .accessControlAllowHeaders: allowedRequestHeaders,
            .accessControlMaxAge: "600",
        ]
        addCORSHeaders(to: &headers, origin: origin)
        return Response(status: .noContent, headers: headers)
    }

    static func addCORSHeaders(to headers: inout HTTPFields, origin: String) {
        headers[.accessControlAllowOrigin] = origin
        headers[.accessControlExposeHeaders] = exposedHeaders
        headers[.vary] = "Origin"
    }
}
