import HTTPTypes
import Hummingbird

/// Asks every `/api` request for `Authorization: Bearer <key>` and the scope its route
/// needs (`RouteScopes`): no key or an unknown or revoked one is 401 with
/// `WWW-Authenticate: Bearer`, a key without the scope 403. `/metrics` asks for an admin
/// key or the metrics token. While no key has ever been
/// made the API stays open, as before keys existed: the server then listens on a
/// loopback address only (see `OpenAccessCheck`) unless started with `--insecure-no-auth`.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let keys: APIKeyRepository
    /// A bearer token that opens `/metrics` alone, for a scraper that holds no key.
    var metricsToken: String? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let needed: Set<APIKeyScope>
        switch RouteScopes.requirement(method: request.method, path: request.uri.path) {
        case .open:
            return try await next(request, context)
        case .anyOf(let scopes):
            needed = scopes
        case .adminOrMetricsToken:
            if let metricsToken, let presented = request.headers[.authorization].flatMap(Self.bearerToken),
                APIKeySecret.constantTimeEquals(presented, metricsToken)
            {
                return try await next(request, context)
            }
            needed = [.admin]
        }
        guard let authorization = request.headers[.authorization] else {
            if try !keys.anyKeyExists() { return try await next(request, context) }
            throw Self.unauthorized("the request has no API key", challenge: "Bearer")
        }
        guard let presented = Self.bearerToken(authorization) else {
            throw Self.unauthorized("the Authorization header is not `Bearer <key>`", challenge: "Bearer")
        }
        guard let key = try keys.authenticate(presented) else {
            throw Self.unauthorized("the API key is not valid", challenge: #"Bearer error="invalid_token""#)
        }
        guard !key.isRevoked else {
            throw Self.unauthorized("the API key \(key.prefix)… was revoked", challenge: #"Bearer error="invalid_token""#)
        }
        guard needed.contains(where: { key.scopes.allows($0) }) else {
            let names = needed.sorted().map(\.rawValue)
            throw Problem(
                .forbidden, type: "insufficient_scope",
                detail: "this request needs a key with the scope \(names.joined(separator: " or ")); the key has \(APIKeyScope.text(key.scopes))",
                suggestion: "use a key made with --scope \(names[0])",
                headers: [.wwwAuthenticate: #"Bearer error="insufficient_scope", scope="\#(names.joined(separator: " "))""#])
        }
        var context = context
        context.apiKey = key
        return try await next(request, context)
    }

    /// `Bearer <token>` (the scheme in any case, RFC 9110); nil for anything else.
    static func bearerToken(_ authorization: String) -> String? {
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    static func unauthorized(_ detail: String, challenge: String) -> Problem {
        Problem(
            .unauthorized, type: "unauthorized", detail: detail,
            suggestion: "send Authorization: Bearer msk_…; keys are made with `merge-server keys create`",
            headers: [.wwwAuthenticate: challenge])
    }
}
