import HTTPTypes
import Hummingbird

/// Asks every `/api` request for `Authorization: Bearer <key>` and the scope its route
/// needs (`RouteScopes`): no key or an unknown or revoked one is 401 with
/// `WWW-Authenticate: Bearer`, a key without the scope 403. A GET of a media path may
/// instead carry a signed URL's `exp`, `kid` and `sig` (see `MediaURLSigner` and
/// `APIKeyMiddleware+SignedURLs`). `/metrics` asks for an admin key or the metrics token;
/// `/health` answers everyone, in detail only those. While no key has ever been
/// made the API stays open, as before keys existed: the server then listens on a
/// loopback address only (see `OpenAccessCheck`) unless started with `--insecure-no-auth`.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let keys: APIKeyRepository
    /// A bearer token that opens `/metrics` (and the detailed `/health`) alone, for a scraper that holds no key.
    var metricsToken: String? = nil
    /// Signs the media links in answers to keys that may read, and checks signed URLs (nil: neither).
    var urlSigner: MediaURLSigner? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let needed: Set<APIKeyScope>
        switch RouteScopes.requirement(method: request.method, path: request.uri.path) {
        case .open:
            return try await next(request, context)
        case .openWithOperatorDetail:
            return try await next(request, try operatorContext(request, context))
        case .anyOf(let scopes):
            needed = scopes
        case .adminOrMetricsToken:
            if presentsMetricsToken(request) { return try await next(request, context) }
            needed = [.admin]
        }
        guard request.headers[.authorization] != nil else {
            if try !keys.anyKeyExists() { return try await next(request, context) }
            if let urlSigner, Self.isSigned(request) {
                return try await next(request, try signedContext(request, context, needed: needed, signer: urlSigner))
            }
            throw Self.unauthorized("the request has no API key", challenge: "Bearer")
        }
        let key = try authenticatedKey(request)
        try Self.check(key, has: needed)
        var context = context
        context.apiKey = key
        context.links = links(for: key)
        return try await next(request, context)
    }

    /// The key the Authorization header names: 401 when it is not `Bearer <key>`, or the
    /// key is unknown or revoked.
    func authenticatedKey(_ request: Request) throws -> APIKeyRecord {
        guard let presented = request.headers[.authorization].flatMap(Self.bearerToken) else {
            throw Self.unauthorized("the Authorization header is not `Bearer <key>`", challenge: "Bearer")
        }
        guard let key = try keys.authenticate(presented) else {
            throw Self.unauthorized("the API key is not valid", challenge: #"Bearer error="invalid_token""#)
        }
        guard !key.isRevoked else {
            throw Self.unauthorized("the API key \(key.prefix)… was revoked", challenge: #"Bearer error="invalid_token""#)
        }
        return key
    }

    /// 403 unless `key` has one of the scopes `needed`.
    static func check(_ key: APIKeyRecord, has needed: Set<APIKeyScope>) throws {
        guard !needed.contains(where: { key.scopes.allows($0) }) else { return }
        let names = needed.sorted().map(\.rawValue)
        throw Problem(
            .forbidden, type: "insufficient_scope",
            detail: "this request needs a key with the scope \(names.joined(separator: " or ")); the key has \(APIKeyScope.text(key.scopes))",
            suggestion: "use a key made with --scope \(names[0])",
            headers: [.wwwAuthenticate: #"Bearer error="insufficient_scope", scope="\#(names.joined(separator: " "))""#])
    }

    /// Answers to a key that may read carry signed media links, which open only what it may see.
    func links(for key: APIKeyRecord) -> SignedLinks? {
        guard let urlSigner, key.scopes.allows(.read) else { return nil }
        return SignedLinks(signer: urlSigner, keyID: key.id)
    }

    private func presentsMetricsToken(_ request: Request) -> Bool {
        guard let metricsToken, let presented = request.headers[.authorization].flatMap(Self.bearerToken) else { return false }
        return APIKeySecret.constantTimeEquals(presented, metricsToken)
    }

    /// `/health` is open, so a load balancer needs nothing; its detail is for the operator:
    /// an admin key or the metrics token (or anyone, while the server has no keys). A
    /// credential that is sent must be valid (401 otherwise), but one without admin just
    /// gets the bare status.
    private func operatorContext(_ request: Request, _ context: Context) throws -> Context {
        var context = context
        if request.headers[.authorization] == nil {
            context.operatorAccess = try keys.anyKeyExists() ? .statusOnly : .openServer
        } else if presentsMetricsToken(request) {
            context.operatorAccess = .full
        } else {
            let key = try authenticatedKey(request)
            context.apiKey = key
            context.operatorAccess = key.scopes.contains(.admin) ? .full : .statusOnly
        }
        return context
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
