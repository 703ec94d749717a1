import Foundation

/// The job engines that run jobs on this store, each renewing its row while it lives:
/// what `/health` shows an API node that runs nothing itself. A row not renewed for a
/// while is a dead process's; rows are removed on a clean stop and pruned after a day.
public struct WorkerRegistry: Sendable {
    let database: Database

    /// How long after its last beat an engine still counts as seen.
    public static let seenWindowSeconds = 60.0
    /// Rows older than this are deleted by the next beat of any engine.
    static let forgetAfterSeconds = 24 * 3600.0

    public init(database: Database) { self.database = database }

    /// One engine as it last described itself.
    public struct Worker: Codable, Sendable, Equatable {
        public var id: String
        public var host: String
        public var pid: Int
        /// What it runs: `render`, `generate`, or both, comma-separated.
        public var kinds: String
        public var concurrency: Int
        public var busy: Int
        public var startedAt: Double
        public var seenAt: Double

        enum CodingKeys: String, CodingKey {
            case id, host, pid, kinds, concurrency, busy
            case startedAt = "started_at"
            case seenAt = "seen_at"
        }
    }

    /// Writes `worker`'s row (seen now) and forgets engines silent for a day.
    public func beat(_ worker: Worker) async throws {
        try await database.write { db in
            try db.insert(worker, into: "workers", upsertKey: ["id"])
            try db.execute("DELETE FROM workers WHERE seen_at < ?", [worker.seenAt - Self.forgetAfterSeconds])
        }
    }

    /// Removes an engine's row (it stopped cleanly).
    public func remove(_ id: String) async throws {
        try await database.write { db in try db.execute("DELETE FROM workers WHERE id = ?", [id]) }
    }

    /// Engines seen within `seenWindowSeconds`, longest-running first.
    public func seen(now: Double = Date().timeIntervalSince1970) throws -> [Worker] {
        try database.read { db in
            try db.fetchRecords(
                Worker.self, "SELECT * FROM workers WHERE seen_at >= ? ORDER BY started_at, id", [now - Self.seenWindowSeconds])
        }
    }
}
