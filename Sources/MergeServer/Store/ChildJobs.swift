import Foundation

/// The store side of jobs made of child jobs (a chunked render's `render_chunk` parts):
/// listing a parent's children, claiming one for the parent's own worker, and canceling
/// them with the parent. Children are ordinary jobs (leases, attempt tokens, retries);
/// only `parent_id` ties them to their parent.
enum ChildJobs {
    /// Every child of `parent`, oldest first.
    static func children(of parent: String, in database: Database) throws -> [JobRecord] {
        try database.read { db in
            try db.fetchRecords(JobRecord.self, "SELECT * FROM jobs WHERE parent_id = ? ORDER BY created_at, id", [parent])
        }
    }

    /// Cancels `parent`'s children in the parent's cancel transaction: queued ones end as
    /// canceled at once, running ones are asked to stop (their workers see it at the next
    /// lease renewal, or at once in this process; see `JobEngine.cancel`).
    static func cancelChildren(of parent: String, db: any SQLConnection, retention: Double, now: Double) throws {
        try db.execute(
            """
            UPDATE jobs SET status = 'canceled', stage = 'canceled', cancel_requested = 1, finished_at = ?,
                            expires_at = ?, eta_seconds = NULL
            WHERE parent_id = ? AND status = 'queued'
            """, [now, now + retention, parent])
        try db.execute("UPDATE jobs SET cancel_requested = 1 WHERE parent_id = ? AND status = 'running'", [parent])
    }

    /// Drops `parent`'s children from the record cache after a write changed them.
    static func forgetCachedChildren(of parent: String, in database: Database) {
        guard let cache = database.jobCache else { return }
        let ids = (try? database.read { db in try db.fetchValues(String.self, "SELECT id FROM jobs WHERE parent_id = ?", [parent]) }) ?? []
        for id in ids { cache.invalidate(id) }
    }
}

extension JobRepository {
    /// Every child of `parent`, oldest first.
    func children(of parent: String) async throws -> [JobRecord] {
        try ChildJobs.children(of: parent, in: database)
    }

    /// Claims one of `parent`'s children that is due (queued, or running under an expired
    /// lease) with a fresh attempt token, as `claim` does: the parent's worker runs its own
    /// parts instead of waiting, so no worker sits idle and a key limited to one job at a
    /// time cannot deadlock on them. `excluding`: the jobs this process still runs.
    func claimChild(
        of parent: String, owner: String, leaseSeconds: Double, excluding: Set<String>, now: Double = Date().timeIntervalSince1970
    ) async throws -> JobRecord? {
        let excluded = Array(excluding)
        let notRunningHere = excluded.isEmpty ? "TRUE" : "j.id NOT IN (\(Array(repeating: "?", count: excluded.count).joined(separator: ", ")))"
        var arguments: SQLArguments = [owner, now + leaseSeconds, now, JobAttempt.newToken(), parent, now, now]
        arguments += SQLArguments(excluded)
        let bound = arguments
        let job = try await database.write { db in
            try db.fetchRecord(
                JobRecord.self,
                """
                UPDATE jobs SET status = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
                                started_at = COALESCE(started_at, ?), stage = 'starting', attempt_token = ?
                WHERE id = (SELECT j.id FROM jobs AS j
                            WHERE j.parent_id = ?
                              AND ((j.status = 'queued' AND j.run_after <= ?) OR (j.status = 'running' AND j.lease_expires_at < ?))
                              AND \(notRunningHere)
                            ORDER BY j.run_after, j.created_at, j.id
                            LIMIT 1 \(db.dialect.forUpdateSkipLocked))
                RETURNING *
                """, bound)
        }
        if let job { database.jobCache?.invalidate(job.id) }
        return job
    }
}
