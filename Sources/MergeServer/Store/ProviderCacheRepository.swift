import Foundation
import GRDB
import Generation

/// Where reference images were uploaded per provider (so each is uploaded once while
/// the provider keeps it), stored in SQLite so the cache outlives restarts.
public struct ProviderUploadCache: UploadCache {
    let database: Database

    public init(database: Database) { self.database = database }

    public func url(provider: String, sha256: String) async -> String? {
        try? database.readNow { db in
            try String.fetchOne(
                db, sql: "SELECT url FROM provider_uploads WHERE provider = ? AND sha256 = ? AND expires_at > ?",
                arguments: [provider, sha256, Date().timeIntervalSince1970])
        }
    }

    public func store(url: String, provider: String, sha256: String, expiresAt: Date) async {
        _ = try? await database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO provider_uploads (provider, sha256, url, expires_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (provider, sha256) DO UPDATE SET url = excluded.url, expires_at = excluded.expires_at
                    """, arguments: [provider, sha256, url, expiresAt.timeIntervalSince1970])
        }
    }
}

/// Scene plans by a hash of everything that shaped them (model, idea, lyrics, style,
/// count): asking again for the same plan costs nothing and gives the same scenes.
public struct ScenePlanCache: Sendable {
    let database: Database
    /// How long a plan is reused.
    let lifetime: Double

    public init(database: Database, lifetime: Double = 7 * 24 * 3600) {
        self.database = database
        self.lifetime = lifetime
    }

    public func plan(for key: String) async throws -> ScenePlan? {
        try database.readNow { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT scenes, tokens, is_mock FROM scene_plans WHERE key = ? AND created_at > ?",
                    arguments: [key, Date().timeIntervalSince1970 - lifetime]),
                let scenes = try? JSONDecoder().decode([SceneIdea].self, from: Data((row["scenes"] as String).utf8))
            else { return nil }
            return ScenePlan(scenes: scenes, tokens: row["tokens"], isMock: row["is_mock"])
        }
    }

    public func store(_ plan: ScenePlan, for key: String) async throws {
        let scenes = String(decoding: try JSONEncoder().encode(plan.scenes), as: UTF8.self)
        try await database.pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO scene_plans (key, scenes, tokens, is_mock, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key, scenes, plan.tokens, plan.isMock, Date().timeIntervalSince1970])
        }
    }
}
