import Foundation
import Generation

/// Where reference images were uploaded per provider (so each is uploaded once while
/// the provider keeps it), stored in SQLite so the cache outlives restarts.
public struct ProviderUploadCache: UploadCache {
    let database: Database

    public init(database: Database) { self.database = database }

    public func url(provider: String, sha256: String) async -> String? {
        try? database.read { db in
            try db.fetchValue(
                String.self, "SELECT url FROM provider_uploads WHERE provider = ? AND sha256 = ? AND expires_at > ?",
                [provider, sha256, Date().timeIntervalSince1970])
        }
    }

    public func store(url: String, provider: String, sha256: String, expiresAt: Date) async {
        _ = try? await database.write { db in
            try db.execute(
                """
                INSERT INTO provider_uploads (provider, sha256, url, expires_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (provider, sha256) DO UPDATE SET url = excluded.url, expires_at = excluded.expires_at
                """, [provider, sha256, url, expiresAt.timeIntervalSince1970])
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
        try database.read { db in
            guard
                let row = try db.fetchOne(
                    "SELECT scenes, tokens, is_mock FROM scene_plans WHERE key = ? AND created_at > ?",
                    [key, Date().timeIntervalSince1970 - lifetime]),
                let scenes = try? JSONDecoder().decode([SceneIdea].self, from: Data((row["scenes"] as String).utf8))
            else { return nil }
            return ScenePlan(scenes: scenes, tokens: row["tokens"], isMock: row["is_mock"])
        }
    }

    public func store(_ plan: ScenePlan, for key: String) async throws {
        let scenes = String(decoding: try JSONEncoder().encode(plan.scenes), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                """
                INSERT INTO scene_plans (key, scenes, tokens, is_mock, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET scenes = excluded.scenes, tokens = excluded.tokens, is_mock = excluded.is_mock,
                                                created_at = excluded.created_at
                """,
                [key, scenes, plan.tokens, plan.isMock, Date().timeIntervalSince1970])
        }
    }
}
