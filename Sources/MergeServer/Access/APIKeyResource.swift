import Foundation

/// A key as the API and `keys list --json` show it: never the secrets, except once in
/// `key` and `webhook_secret` of the answer that made it.
public struct APIKeyResource: Encodable, Sendable {
    public var id: String
    public var name: String
    public var prefix: String
    public var scopes: [String]
    public var budgetUSD: Double?
    public var dailyBudgetUSD: Double?
    public var ratePerMinute: Int?
    public var maxConcurrent: Int?
    public var storageBytes: Int64?
    public var createdAt: String
    public var revokedAt: String?
    /// Only in the creation answer.
    public var key: String?
    /// Only in `GET /api/keys`: spend and jobs against the limits.
    var usage: KeyUsage?
    /// Only in the creation answer: what the key's webhook deliveries are signed with.
    public var webhookSecret: String?

    public init(_ record: APIKeyRecord, key: String? = nil, webhookSecret: String? = nil) {
        id = record.id
        name = record.name
        prefix = record.prefix
        scopes = record.scopes.sorted().map(\.rawValue)
        budgetUSD = record.limits.budgetUSD
        dailyBudgetUSD = record.limits.dailyBudgetUSD
        ratePerMinute = record.limits.ratePerMinute
        maxConcurrent = record.limits.maxConcurrent
        storageBytes = record.limits.storageBytes
        createdAt = Timestamp.iso8601(record.createdAt)
        revokedAt = record.revokedAt.map(Timestamp.iso8601)
        self.key = key
        self.webhookSecret = webhookSecret
    }

    enum CodingKeys: String, CodingKey {
        case id, name, prefix, scopes, key, usage
        case budgetUSD = "budget_usd"
        case dailyBudgetUSD = "daily_budget_usd"
        case ratePerMinute = "rate_per_minute"
        case maxConcurrent = "max_concurrent"
        case storageBytes = "storage_bytes"
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
        case webhookSecret = "webhook_secret"
    }

    /// Limits and `revoked_at` are always present (null when unset); `key`, `webhook_secret`
    /// and `usage` only when known.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(prefix, forKey: .prefix)
        try container.encode(scopes, forKey: .scopes)
        try container.encode(budgetUSD, forKey: .budgetUSD)
        try container.encode(dailyBudgetUSD, forKey: .dailyBudgetUSD)
        try container.encode(ratePerMinute, forKey: .ratePerMinute)
        try container.encode(maxConcurrent, forKey: .maxConcurrent)
        try container.encode(storageBytes, forKey: .storageBytes)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(revokedAt, forKey: .revokedAt)
        try container.encodeIfPresent(key, forKey: .key)
        try container.encodeIfPresent(usage, forKey: .usage)
        try container.encodeIfPresent(webhookSecret, forKey: .webhookSecret)
    }
}

extension APIKeyResource {
    /// The API's JSON for this key (sorted keys), as `keys create --json` prints it.
    public func jsonText() throws -> String {
        String(decoding: try JSONEncoder.api.encode(self), as: UTF8.self)
    }

    /// `{"keys":[…]}`, as `GET /api/keys` answers.
    public static func listJSONText(_ keys: [APIKeyResource]) throws -> String {
        String(decoding: try JSONEncoder.api.encode(["keys": keys]), as: UTF8.self)
    }
}

/// The answer to a webhook secret rotation (API and `keys rotate-webhook-secret --json`).
public struct WebhookSecretRotation: Encodable, Sendable {
    public var id: String
    public var webhookSecret: String
    public var previousValidUntil: String

    public init(id: String, secret: String, previousValidUntil: Double) {
        self.id = id
        webhookSecret = secret
        self.previousValidUntil = Timestamp.iso8601(previousValidUntil)
    }

    enum CodingKeys: String, CodingKey {
        case id
        case webhookSecret = "webhook_secret"
        case previousValidUntil = "previous_valid_until"
    }

    public func jsonText() throws -> String {
        String(decoding: try JSONEncoder.api.encode(self), as: UTF8.self)
    }
}
