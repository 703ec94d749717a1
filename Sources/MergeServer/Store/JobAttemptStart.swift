import Foundation

/// What every claim shares (a worker's `claim`, a chunked render's parent taking one of its
/// own parts with `claimChild`): which jobs are due, and the statement that starts a new
/// attempt of one of them.
extension JobRepository {
    /// The jobs (as `j`) due to run: queued and their time come, or running under a lease
    /// that ran out (their worker died). Its arguments: `[now, now]`.
    static let runnable = "((j.status = 'queued' AND j.run_after <= ?) OR (j.status = 'running' AND j.lease_expires_at < ?))"

    /// `j` is none of `ids`: the jobs this process still runs, which it must not claim (a
    /// stalled attempt may still be working).
    static func notAmong(_ ids: Set<String>) -> (sql: String, arguments: SQLArguments) {
        guard !ids.isEmpty else { return ("TRUE", []) }
        let list = Array(ids)
        return ("j.id NOT IN (\(Array(repeating: "?", count: list.count).joined(separator: ", ")))", SQLArguments(list))
    }

    /// Starts a new attempt of the oldest job (as `j`) that `candidates` admits, under
    /// `owner`'s lease with a fresh attempt token. Rows another claim holds are skipped
    /// (PostgreSQL's SKIP LOCKED; SQLite's writes run one at a time). Nil: none is due.
    static func startAttempt(
        _ db: any SQLConnection, of candidates: String, _ arguments: SQLArguments, owner: String, leaseSeconds: Double, now: Double
    ) throws -> JobRecord? {
        var bound: SQLArguments = [owner, now + leaseSeconds, now, JobAttempt.newToken()]
        bound += arguments
        return try db.fetchRecord(
            JobRecord.self,
            """
            UPDATE jobs SET status = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
                            started_at = COALESCE(started_at, ?), stage = 'starting', attempt_token = ?
            WHERE id = (SELECT j.id FROM jobs AS j WHERE \(candidates)
                        ORDER BY j.run_after, j.created_at, j.id
                        LIMIT 1 \(db.dialect.forUpdateSkipLocked))
            RETURNING *
            """, bound)
    }
}
