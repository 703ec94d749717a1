import Foundation

/// A stored API key: never the key itself, only its prefix and peppered hash.
public struct APIKeyRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var prefix: String
    var hash: String
    public var scopes: Set<APIKeyScope>
    public var limits: APIKeyLimits
    public var createdAt: Double
    public var revokedAt: Double?

    public var isRevoked: Bool { revokedAt != nil }

    init(row: SQLRow) {
        id = row["id"]
        name = row["name"]
        prefix = row["prefix"]
        hash = row["hash"]
        scopes = (try? APIKeyScope.parseList(row["scopes"])) ?? []
        limits = APIKeyLimits(
            budgetUSD: row["budget_usd"], dailyBudgetUSD: row["daily_budget_usd"], ratePerMinute: row["rate_per_minute"],
            maxConcurrent: row["max_concurrent"], storageBytes: row["storage_bytes"])
        createdAt = row["created_at"]
        revokedAt = row["revoked_at"]
    }
}

/// What a key may spend and use. Recorded at creation; enforcing them is the quota
/// work still to come in issue 13 (nil: no limit of the key's own).
public struct APIKeyLimits: Sendable, Equatable {
    public var budgetUSD: Double?
    public var dailyBudgetUSD: Double?
    public var ratePerMinute: Int?
    public var maxConcurrent: Int?
    public var storageBytes: Int64?

    public init(
        budgetUSD: Double? = nil, dailyBudgetUSD: Double? = nil, ratePerMinute: Int? = nil, maxConcurrent: Int? = nil,
        storageBytes: Int64? = nil
    ) {
        self.budgetUSD = budgetUSD
        self.dailyBudgetUSD = dailyBudgetUSD
        self.ratePerMinute = ratePerMinute
        self.maxConcurrent = maxConcurrent
        self.storageBytes = storageBytes
    }
}

/// The `api_keys` table: create, list, revoke, and find the key a request presents.
public struct APIKeyRepository: Sendable {
    let database: Database
    let pepper: Data
    /// Shared by every copy of the repository, so a revoke here is seen by every request.
    let recent = RecentlyAuthenticatedKeys()

    public init(database: Database, pepper: Data) {
        self.database = database
        self.pepper = pepper
    }

    /// A new key's row, the key itself (which exists only in this answer) and its webhook
    /// signing secret (which is shown only here, but kept: the server signs with it).
    public func create(
        name: String, scopes: Set<APIKeyScope>, limits: APIKeyLimits = APIKeyLimits(), now: Double = Date().timeIntervalSince1970
    ) async throws -> (record: APIKeyRecord, key: String, webhookSecret: String) {
        let key = APIKeySecret.make()
        let webhookSecret = WebhookSecret.make()
        let id = Identifier.make(.apiKey)
        let prefix = APIKeySecret.prefix(of: key) ?? ""
        let hash = APIKeySecret.hash(key, pepper: pepper)
        let record = try await database.write { db in
            try db.execute(
                """
                INSERT INTO api_keys (id, name, prefix, hash, scopes, budget_usd, daily_budget_usd, rate_per_minute,
                                      max_concurrent, storage_bytes, created_at, revoked_at, webhook_secret)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
                """,
                [
                    id, name, prefix, hash, APIKeyScope.text(scopes), limits.budgetUSD, limits.dailyBudgetUSD,
                    limits.ratePerMinute, limits.maxConcurrent, limits.storageBytes, now, webhookSecret,
                ])
            return try db.fetchOne("SELECT * FROM api_keys WHERE id = ?", [id]).map(APIKeyRecord.init)
        }
        guard let record else { throw StoreInconsistency("the new key \(id) was not stored") }
        return (record, key, webhookSecret)
    }

    /// A key's new webhook secret, in place at once; the one it replaces still signs (a
    /// second signature) until `previousValidUntil`. Nil when no key has the id.
    public func rotateWebhookSecret(
        id: String, overlap: Double = WebhookSecret.rotationOverlapSeconds, now: Double = Date().timeIntervalSince1970
    ) async throws -> (secret: String, previousValidUntil: Double)? {
        let secret = WebhookSecret.make()
        let rotated = try await database.write { db in
            try db.execute(
                """
                UPDATE api_keys SET previous_webhook_secret = webhook_secret, previous_webhook_secret_until = ?, webhook_secret = ?
                WHERE id = ?
                """, [now + overlap, secret, id]) > 0
        }
        return rotated ? (secret, now + overlap) : nil
    }

    /// The secrets a delivery of the key's jobs is signed with at `now`: its own, then the
    /// one before a rotation while that still signs. Empty when the key has none.
    public func webhookSecrets(id: String, now: Double = Date().timeIntervalSince1970) throws -> [String] {
        try database.read { db in
            guard
                let row = try db.fetchOne(
                    "SELECT webhook_secret, previous_webhook_secret, previous_webhook_secret_until FROM api_keys WHERE id = ?", [id])
            else { return [] }
            let current: String? = row["webhook_secret"]
            let previous: String? = row["previous_webhook_secret"]
            let until: Double? = row["previous_webhook_secret_until"]
            return [current, until.map { $0 > now } == true ? previous : nil].compactMap { $0 }
        }
    }

    /// Every key, revoked ones included, oldest first.
    public func list() throws -> [APIKeyRecord] {
        try database.read { db in
            try db.fetchAll("SELECT * FROM api_keys ORDER BY created_at, id").map(APIKeyRecord.init)
        }
    }

    public func find(id: String) throws -> APIKeyRecord? {
        try database.read { db in
            try db.fetchOne("SELECT * FROM api_keys WHERE id = ?", [id]).map(APIKeyRecord.init)
        }
    }

    /// Marks the key revoked (once: revoking again keeps the first time); nil when no key has the id.
    public func revoke(id: String, now: Double = Date().timeIntervalSince1970) async throws -> APIKeyRecord? {
        let revoked = try await database.write { db in
            try db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [now, id])
            return try db.fetchOne("SELECT * FROM api_keys WHERE id = ?", [id]).map(APIKeyRecord.init)
        }
        recent.forget(keyID: id)
        return revoked
    }

    /// True once any key was ever made. Revoking every key does not reopen the server.
    public func anyKeyExists() throws -> Bool {
        try database.read { db in
            try db.fetchValue(Bool.self, "SELECT EXISTS (SELECT 1 FROM api_keys)") ?? false
        }
    }

    /// The key `presented` names, revoked or not; nil when it is malformed or matches no row.
    /// Rows are found by prefix and the hashes compared in constant time.
    public func authenticate(_ presented: String) throws -> APIKeyRecord? {
        guard let prefix = APIKeySecret.prefix(of: presented) else { return nil }
        let hash = APIKeySecret.hash(presented, pepper: pepper)
        if let known = recent.find(hash: hash) { return known }
        let candidates = try database.read { db in
            try db.fetchAll("SELECT * FROM api_keys WHERE prefix = ?", [prefix])
                .map(APIKeyRecord.init)
        }
        var match: APIKeyRecord?
        for candidate in candidates where APIKeySecret.constantTimeEquals(candidate.hash, hash) { match = candidate }
        if let match { recent.remember(match, hash: hash) }
        return match
    }
}

extension APIKeyRepository {
    /// The keys of the data directory (or `--database`) the configuration names, for the
    /// command line; works while a server runs on the same data (SQLite in WAL mode, or PostgreSQL).
    public static func open(_ configuration: ServerConfiguration) throws -> APIKeyRepository {
        let pepper = try KeyPepper.load(dataDirectory: configuration.dataDirectory, configured: configuration.keyPepper)
        return APIKeyRepository(database: try Database(url: configuration.databaseURL), pepper: pepper)
    }

    /// The audit log of the same database, where the command line records key changes.
    public var auditLog: AuditLog { AuditLog(database: database) }
}
