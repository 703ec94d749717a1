import Foundation
import GRDB

/// What a long job has already finished (a generated clip's asset id, the scene plan),
/// kept so that a job run again after a crash or a retry does not pay for it twice.
public struct CheckpointRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func value(job: String, key: String) async throws -> String? {
        try database.readNow { db in
            try String.fetchOne(db, sql: "SELECT value FROM job_checkpoints WHERE job_id = ? AND key = ?", arguments: [job, key])
        }
    }

    /// Saves what `attempt` finished; throws `LeaseLost` (and saves nothing) when the
    /// attempt no longer owns the job, so a stale attempt cannot overwrite the new one's.
    public func save(_ attempt: JobAttempt, key: String, value: String) async throws {
        try await database.pool.write { db in
            try attempt.requireOwnership(db)
            try db.execute(
                sql: "INSERT OR REPLACE INTO job_checkpoints (job_id, key, value) VALUES (?, ?, ?)",
                arguments: [attempt.job, key, value])
        }
    }
}
