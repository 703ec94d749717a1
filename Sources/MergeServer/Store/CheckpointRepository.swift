import Foundation

/// What a long job has already finished (a generated clip's asset id, the scene plan),
/// kept so that a job run again after a crash or a retry does not pay for it twice.
public struct CheckpointRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func value(job: String, key: String) async throws -> String? {
        try database.read { db in
            try db.fetchValue(String.self, "SELECT value FROM job_checkpoints WHERE job_id = ? AND key = ?", [job, key])
        }
    }

    /// Saves what `attempt` finished; throws `LeaseLost` (and saves nothing) when the
    /// attempt no longer owns the job, so a stale attempt cannot overwrite the new one's.
    public func save(_ attempt: JobAttempt, key: String, value: String) async throws {
        try await database.write { db in
            try attempt.requireOwnership(db)
            try db.execute(
                "INSERT INTO job_checkpoints (job_id, key, value) VALUES (?, ?, ?) ON CONFLICT (job_id, key) DO UPDATE SET value = excluded.value",
                [attempt.job, key, value])
        }
    }
}
