import Foundation

/// The store side of jobs made of child jobs (a chunked render's `render_chunk` parts):
/// canceling them with the parent here; listing a parent's children and claiming one for
/// the parent's own worker in the `JobRepository` extension below. Children are ordinary jobs (leases, attempt tokens, retries);
/// only `parent_id` ties them to their parent.
enum ChildJobs {
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
        try database.read { db in
            try db.fetchRecords(JobRecord.self, "SELECT * FROM jobs WHERE parent_id = ? ORDER BY created_at, id", [parent])
        }
    }

    /// Claims one of `parent`'s children that is due (queued, or running under an expired
    /// lease) with a fresh attempt token, as `claim` does: the parent's worker runs its own
    /// parts instead of waiting, so no worker sits idle and a key limited to one job at a
    /// time cannot deadlock on them. `excluding`: the jobs this process still runs.
    func claimChild(
        of parent: String, owner: String, leaseSeconds: Double, excluding: Set<String>, now: Double = Date().timeIntervalSince1970
    ) async throws -> JobRecord? {
        let notRunningHere = Self.notAmong(excluding)
        var arguments: SQLArguments = [parent, now, now]
        arguments += notRunningHere.arguments
        let bound = arguments
        let job = try await database.write { db in
            try Self.startAttempt(
                db, of: "j.parent_id = ? AND \(Self.runnable) AND \(notRunningHere.sql)", bound, owner: owner,
                leaseSeconds: leaseSeconds, now: now)
        }
        if let job { database.jobCache?.invalidate(job.id) }
        return job
    }
}
