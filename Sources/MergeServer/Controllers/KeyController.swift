import Foundation
import HTTPTypes
import Hummingbird

/// `POST /api/keys`, `GET /api/keys`, `DELETE /api/keys/{id}`: key management for an
/// admin key (`APIKeyMiddleware` asks for the scope). `POST /api/keys/{id}/webhook-secret`:
/// a new webhook secret, for an admin key or the key itself. The command line's `keys`
/// does the same.
struct KeyController {
    let keys: APIKeyRepository
    let audit: AuditLog
    let maxJSONBytes: Int

    var routes: RouteCollection<ServerContext> {
        let router = RouteCollection(context: ServerContext.self)
        router.post("/api/keys", use: create)
        router.get("/api/keys", use: list)
        router.delete("/api/keys/{id}", use: revoke)
        router.post("/api/keys/{id}/webhook-secret", use: rotateWebhookSecret)
        return router
    }

    struct CreateBody: Decodable {
        var name: String
        var scopes: [String]?
        var budgetUSD: Double?
        var dailyBudgetUSD: Double?
        var ratePerMinute: Int?
        var maxConcurrent: Int?
        var storageGB: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, scopes
            case budgetUSD = "budget_usd"
            case dailyBudgetUSD = "daily_budget_usd"
            case ratePerMinute = "rate_per_minute"
            case maxConcurrent = "max_concurrent"
            case storageGB = "storage_gb"
        }
    }

    /// 201 with the key and its webhook secret, shown this once.
    @Sendable func create(_ request: Request, context: ServerContext) async throws -> Response {
        let data = try await request.jsonBody(upTo: maxJSONBytes)
        let unknown = StrictFields.unknown(in: data, known: CreateBody.CodingKeys.allCases.map(\.rawValue))
        if !unknown.isEmpty { throw ValidationFailure(unknown) }
        let body = try JSONBody.decode(
            CreateBody.self, from: data, expecting: "a key request", wholeNumbers: ["rate_per_minute", "max_concurrent"])
        let wanted = try NewAPIKey.validated(
            name: body.name, scopes: body.scopes, budgetUSD: body.budgetUSD, dailyBudgetUSD: body.dailyBudgetUSD,
            ratePerMinute: body.ratePerMinute, maxConcurrent: body.maxConcurrent, storageGB: body.storageGB)
        let made = try await keys.create(name: wanted.name, scopes: wanted.scopes, limits: wanted.limits)
        try await audit.record(.keyCreated, subject: made.record.id, actor: context.apiKey?.id, via: .api, requestID: context.requestID)
        return try JSONResponse.make(
            APIKeyResource(made.record, key: made.key, webhookSecret: made.webhookSecret), status: .created,
            headers: [.cacheControl: "no-store"])
    }

    /// Every key with its usage: a few indexed sums per key (keys are few).
    @Sendable func list(_ request: Request, context: ServerContext) async throws -> Response {
        let now = Date().timeIntervalSince1970
        let listed = try keys.list().map { record in
            var resource = APIKeyResource(record)
            resource.usage = try KeyUsage.read(keys.database, key: record, now: now)
            return resource
        }
        return try JSONResponse.make(KeyList(keys: listed))
    }

    /// Revokes at once: the next request with the key is 401. Revoking twice is harmless.
    @Sendable func revoke(_ request: Request, context: ServerContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let now = Date().timeIntervalSince1970
        guard Identifier.isValid(id, .apiKey), let record = try await keys.revoke(id: id, now: now) else {
            throw Problem.notFound("API key", id: id, kind: .apiKey)
        }
        // Audited once, when this call revoked it.
        if record.revokedAt == now {
            try await audit.record(.keyRevoked, subject: id, actor: context.apiKey?.id, via: .api, requestID: context.requestID)
        }
        return try JSONResponse.make(APIKeyResource(record))
    }

    /// The key's new webhook secret, shown this once; the previous one signs too until
    /// `previous_valid_until`. Any key may ask for its own (RouteScopes); another key's id
    /// is a 404 unless the caller is an admin.
    @Sendable func rotateWebhookSecret(_ request: Request, context: ServerContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard Identifier.isValid(id, .apiKey), context.visibility.allows(owner: id), let rotated = try await keys.rotateWebhookSecret(id: id)
        else { throw Problem.notFound("API key", id: id, kind: .apiKey) }
        try await audit.record(.webhookSecretRotated, subject: id, actor: context.apiKey?.id, via: .api, requestID: context.requestID)
        return try JSONResponse.make(
            WebhookSecretRotation(id: id, secret: rotated.secret, previousValidUntil: rotated.previousValidUntil),
            headers: [.cacheControl: "no-store"])
    }

    struct KeyList: Encodable {
        var keys: [APIKeyResource]
    }
}
