import Foundation
import Generation
import Media

/// The durable job queue. Every change a running attempt makes is conditioned on the
/// token its claim wrote (`attempt_token = ?`), so an attempt that lost its lease (it
/// stalled, or the server was killed and the job handed to another) can no longer write
/// the job: its writes throw `LeaseLost`, and each job ends once.
///
/// Every write that ends a job (succeed, finish, a queued job canceled, a crashed one
/// quarantined) queues its webhook delivery in the same transaction (`WebhookRepository`).
public struct JobRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// What `enqueue` did: made a new job, or found the one made earlier with the same idempotency key.
    public enum EnqueueOutcome: Sendable {
        case created(JobRecord)
        case existing(JobRecord)

        public var job: JobRecord {
            switch self {
            case .created(let job), .existing(let job): job
            }
        }
    }

    /// Another request used the idempotency key with a different body.
    public struct IdempotencyConflict: Error, Sendable {
        public let existing: JobRecord
    }

    /// What else a new job writes with it, in its transaction (its cost estimate).
    public typealias CompanionWrite = @Sendable (any SQLConnection, JobRecord) throws -> Void

    /// The queue holds `maxQueued` jobs already: the new one is refused (a replay of an
    /// idempotency key is still answered).
    public struct QueueFull: Error, Sendable {
        public let queued: Int
    }

    /// `callbackURL`: where the job's end is announced; it is part of what an idempotency
    /// key's replay must match. `parent`: the job the new one is a part of (a render chunk).
    /// `oneAtATime`: this key's submissions run one after another (on PostgreSQL; SQLite's
    /// writes always do) — needed when `alsoWrite` checks what the earlier ones reserved
    /// (spend budgets). Without it they run side by side, and only an asset deletion of the
    /// key waits for them. `submitter`: the job's `job.submitted` audit entry, written with it.
    ///
    /// Submissions that arrive together are inserted in one transaction (`EnqueueGroupCommit`).
    public func enqueue(
        kind: String, request: String, idempotencyKey: String?, maxAttempts: Int,
        maxQueued: Int? = nil, owner: String? = nil, callbackURL: String? = nil, parent: String? = nil,
        now: Double = Date().timeIntervalSince1970,
        oneAtATime: Bool = true, alsoWrite: @escaping CompanionWrite = { _, _ in }, submitter: AuditLog.Submitter? = nil
    ) async throws -> EnqueueOutcome {
        let hash = SHA256Hex.of("\(kind)\n\(request)" + (callbackURL.map { "\ncallback_url \($0)" } ?? ""))
        // Idempotency keys are each key's own: stored with the owner in front, one key's
        // `Idempotency-Key: a` never replays (or reveals) another key's job.
        let idempotencyKey = idempotencyKey.map { key in owner.map { "\($0):\(key)" } ?? key }
        var made = JobRecord(
            id: Identifier.make(.job), kind: kind, status: .queued, request: request, requestSHA256: hash,
            idempotencyKey: idempotencyKey, progress: 0, stage: nil, etaSeconds: nil, error: nil,
            result: nil, attempts: 0, maxAttempts: maxAttempts, runAfter: now, leaseOwner: nil,
            leaseExpiresAt: nil, cancelRequested: false, createdAt: now, startedAt: nil,
            finishedAt: nil, expiresAt: nil)
        made.ownerKeyID = owner
        made.callbackURL = callbackURL
        made.parentID = parent
        let submission = JobSubmission(job: made, maxQueued: maxQueued, oneAtATime: oneAtATime, alsoWrite: alsoWrite, submitter: submitter)
        return written([made.id], try await database.enqueues.enqueue(submission, in: database))
    }

    /// Where a newly queued job is announced (its kind as the payload), at commit: the
    /// workers of every process listening wake at once instead of at their next poll.
    static let queuedChannel = "jobs_queued"

    private static func requireRoom(_ db: any SQLConnection, maxQueued: Int?) throws {
        guard let maxQueued else { return }
        let queued = try db.fetchValue(Int.self, "SELECT COUNT(*) FROM jobs WHERE status = 'queued'") ?? 0
        if queued >= maxQueued { throw QueueFull(queued: queued) }
    }

    public func find(_ id: String) async throws -> JobRecord? {
        let load = { try database.read { db in try db.fetchRecord(JobRecord.self, "SELECT * FROM jobs WHERE id = ?", [id]) } }
        guard let cache = database.jobCache else { return try load() }
        return try cache.value(for: id, load: load)
    }

    /// Every write below ends here: the rows it changed leave the cache once it committed.
    private func written<T>(_ ids: [String?], _ value: T) -> T {
        for id in ids { if let id { database.jobCache?.invalidate(id) } }
        return value
    }

    /// A page of jobs, newest first. `cursor` is the last job of the previous page.
    /// `owner`: only that key's jobs (nil: everyone's). `parent`: only that job's parts
    /// (nil: only jobs of their own; the parts of chunked renders are listed under their parent).
    public func list(
        status: JobStatus?, kind: String?, limit: Int, after cursor: JobCursor?, owner: String? = nil, parent: String? = nil
    ) async throws -> [JobRecord] {
        try database.read { db in
            var conditions: [String] = []
            var arguments: SQLArguments = []
            if let parent {
                conditions.append("parent_id = ?")
                arguments += [parent]
            } else {
                conditions.append("parent_id IS NULL")
            }
            if let owner {
                conditions.append("owner_key_id = ?")
                arguments += [owner]
            }
            if let status {
                conditions.append("status = ?")
                arguments += [status.rawValue]
            }
            if let kind {
                conditions.append("kind = ?")
                arguments += [kind]
            }
            if let cursor {
                conditions.append("(created_at < ? OR (created_at = ? AND id < ?))")
                arguments += [cursor.createdAt, cursor.createdAt, cursor.id]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [limit]
            return try db.fetchRecords(
                JobRecord.self, "SELECT * FROM jobs \(filter) ORDER BY created_at DESC, id DESC LIMIT ?",
                arguments)
        }
    }

    /// Which kinds a worker takes.
    public enum KindFilter: Sendable {
        case any
        case only([String])
        case excluding([String])

        /// The SQL condition on `kind` (of the claim's candidate `j`) and its arguments.
        fileprivate var condition: (sql: String, arguments: [String]) {
            switch self {
            case .any: ("TRUE", [])
            case .only(let kinds): ("j.kind IN (\(placeholders(kinds.count)))", kinds)
            case .excluding(let kinds): ("j.kind NOT IN (\(placeholders(kinds.count)))", kinds)
            }
        }

        private func placeholders(_ count: Int) -> String {
            Array(repeating: "?", count: count).joined(separator: ", ")
        }
    }

    /// Takes the oldest runnable job of `kinds`: a queued one whose time has come, or a running
    /// one whose lease has expired (its worker died). Starts a new attempt under `owner`'s
    /// lease with a fresh token. `excluding` names the jobs this process is still running: a
    /// process never claims its own stalled attempt, which may still be working.
    ///
    /// A job under suspicion (`crash_count > 0`: it was running when a process died) runs
    /// alone: it is taken only when this owner runs nothing else, and while one is due or
    /// running this owner takes nothing else. So if the process dies again, the culprit is
    /// known (see `recoverInterrupted`).
    ///
    /// Quotas: a job whose API key already runs its `max_concurrent` jobs stays queued, and
    /// among the rest the key running the fewest jobs goes first (then the oldest job), so a
    /// key with a thousand jobs queued does not starve one with a single job. Jobs without a
    /// key count as one more key.
    ///
    /// In two steps, so a claim costs the same with ten jobs queued or a hundred thousand:
    /// the keys with runnable jobs (one grouped pass over the runnable rows) are put in
    /// that order in Swift, with the running counts and limits, few rows each; then each
    /// key in turn is asked for its oldest runnable job until one is taken.
    public func claim(
        owner: String, leaseSeconds: Double, kinds: KindFilter = .any, excluding: Set<String> = [],
        now: Double = Date().timeIntervalSince1970
    ) async throws -> JobRecord? {
        let filter = kinds.condition
        let notRunningHere = Self.notAmong(excluding)
        var candidateArguments: SQLArguments = [now, now]
        candidateArguments += SQLArguments(filter.arguments)
        candidateArguments += notRunningHere.arguments
        let candidates = candidateArguments
        let job: JobRecord?
        do {
            job = try await database.write { db in
                let keys = try Self.keysInClaimOrder(
                    db, filter: filter.sql, notRunningHere: notRunningHere.sql, arguments: candidates, now: now)
                for (key, part) in keys {
                    let sameKey =
                        (key == nil ? "j.owner_key_id IS NULL" : "j.owner_key_id = ?")
                        + (part ? " AND j.parent_id IS NOT NULL" : " AND j.parent_id IS NULL")
                    var arguments = candidates
                    arguments += [owner, owner, now]
                    if let key { arguments += [key] }
                    let claimed = try Self.startAttempt(
                        db,
                        of: """
                            \(Self.runnable) AND \(filter.sql) AND \(notRunningHere.sql)
                            AND CASE WHEN j.crash_count > 0
                                THEN NOT EXISTS (SELECT 1 FROM jobs AS r WHERE r.status = 'running' AND r.lease_owner = ?)
                                ELSE NOT EXISTS (SELECT 1 FROM jobs AS r \(db.dialect.indexedBy("jobs_suspects"))
                                                 WHERE r.crash_count > 0 AND r.status IN ('running', 'queued')
                                                 AND ((r.status = 'running' AND r.lease_owner = ?)
                                                      OR (r.status = 'queued' AND r.run_after <= ?)))
                                END
                            AND \(sameKey)
                            """, arguments, owner: owner, leaseSeconds: leaseSeconds, now: now)
                    if let claimed {
                        try Self.requireConcurrencyRoom(db, for: claimed)
                        return claimed
                    }
                }
                return nil
            }
        } catch is OverConcurrencyLimit {
            return nil
        }
        return written([job?.id], job)
    }

    /// The keys (nil: jobs without one) that have a runnable job, fewest running jobs first
    /// and then the one whose job has waited longest; keys at their `max_concurrent` are left
    /// out. A running job whose lease ran out is dead, so it counts for nobody. The parts of
    /// a chunked render (`part`) are their parent's work: they count for nobody either, and
    /// run whatever the key's limit.
    private static func keysInClaimOrder(
        _ db: any SQLConnection, filter: String, notRunningHere: String, arguments: SQLArguments, now: Double
    ) throws -> [(key: String?, part: Bool)] {
        struct Candidate {
            let key: String?
            let part: Bool
            let due: Double
            let created: Double
        }
        let candidates = try db.fetchAll(
            """
            SELECT j.owner_key_id AS key, CASE WHEN j.parent_id IS NULL THEN 0 ELSE 1 END AS part,
                   MIN(j.run_after) AS due, MIN(j.created_at) AS created
            FROM jobs AS j WHERE \(Self.runnable) AND \(filter) AND \(notRunningHere)
            GROUP BY j.owner_key_id, CASE WHEN j.parent_id IS NULL THEN 0 ELSE 1 END
            """, arguments
        ).map { Candidate(key: $0["key"], part: ($0["part"] as Int) == 1, due: $0["due"], created: $0["created"]) }
        if candidates.count == 1, candidates[0].key == nil { return [(nil, candidates[0].part)] }
        var running: [String?: Int] = [:]
        for row in try db.fetchAll(
            """
            SELECT owner_key_id AS key, COUNT(*) AS n FROM jobs
            WHERE status = 'running' AND lease_expires_at >= ? AND parent_id IS NULL GROUP BY owner_key_id
            """, [now])
        {
            running[row["key"] as String?] = row["n"]
        }
        var limits: [String: Int] = [:]
        for row in try db.fetchAll("SELECT id, max_concurrent FROM api_keys WHERE max_concurrent IS NOT NULL") {
            limits[row["id"]] = row["max_concurrent"]
        }
        return
            candidates
            .filter { candidate in
                candidate.part || (candidate.key.flatMap { limits[$0] }.map { (running[candidate.key] ?? 0) < $0 } ?? true)
            }
            .sorted { a, b in
                let (ra, rb) = (running[a.key] ?? 0, running[b.key] ?? 0)
                return ra != rb ? ra < rb : a.due != b.due ? a.due < b.due : a.created < b.created
            }
            .map { ($0.key, $0.part) }
    }

    /// Claims by other processes run at the same time under PostgreSQL (SKIP LOCKED), and
    /// one cannot see another's uncommitted claim: two could each start a job of a key
    /// with one slot left. So a claim of a key with `max_concurrent` counts again under
    /// the key's lock, where every earlier claim of the key has committed, and gives the
    /// job back (the transaction rolls back) if the key is over its limit now. The parts of a
    /// chunked render are its parent's work and count as the parent alone.
    private static func requireConcurrencyRoom(_ db: any SQLConnection, for job: JobRecord?) throws {
        guard db.dialect == .postgres, let job, job.parentID == nil, let owner = job.ownerKeyID,
            let limit = try db.fetchValue(Int.self, "SELECT max_concurrent FROM api_keys WHERE id = ?", [owner])
        else { return }
        try db.serialize(on: "running \(owner)")
        let running =
            try db.fetchValue(Int.self, "SELECT COUNT(*) FROM jobs WHERE status = 'running' AND owner_key_id = ? AND parent_id IS NULL", [owner]) ?? 0
        if running > limit { throw OverConcurrencyLimit() }
    }

    private struct OverConcurrencyLimit: Error {}

    /// Extends the lease. Returns whether a cancel was asked for; throws `LeaseLost` when
    /// the job is no longer this attempt's.
    public func renewLease(_ attempt: JobAttempt, leaseSeconds: Double, now: Double = Date().timeIntervalSince1970) async throws -> Bool {
        let cancel = written(
            [attempt.job],
            try await database.write { db in
                try db.fetchValue(
                    Bool.self,
                    """
                    UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND attempt_token = ? AND status = 'running'
                    RETURNING cancel_requested
                    """, [now + leaseSeconds, attempt.job, attempt.token])
            })
        guard let cancel else { throw LeaseLost(job: attempt.job) }
        return cancel
    }

    public func updateProgress(_ attempt: JobAttempt, progress: Double, stage: String, etaSeconds: Double?) async throws {
        let changed = written(
            [attempt.job],
            try await database.write { db in
                try db.execute(
                    """
                    UPDATE jobs SET progress = ?, stage = ?, eta_seconds = ? WHERE id = ? AND attempt_token = ? AND status = 'running'
                    """, [progress, stage, etaSeconds, attempt.job, attempt.token])
            })
        if changed == 0 { throw LeaseLost(job: attempt.job) }
    }

    /// Ends the job as succeeded, recording its output video (if any) in the same transaction.
    @discardableResult
    public func succeed(
        _ attempt: JobAttempt, result: String, video: VideoRecord?, retention: Double,
        now: Double = Date().timeIntervalSince1970
    ) async throws -> JobRecord {
        written(
            [attempt.job],
            try await database.write { db in
                guard
                    let job = try db.fetchRecord(
                        JobRecord.self,
                        """
                        UPDATE jobs SET status = 'succeeded', progress = 1, stage = 'done', eta_seconds = 0, result = ?, error = NULL,
                                        finished_at = ?, expires_at = ?, lease_owner = NULL, lease_expires_at = NULL, attempt_token = NULL
                        WHERE id = ? AND attempt_token = ? AND status = 'running' RETURNING *
                        """, [result, now, now + retention, attempt.job, attempt.token])
                else { throw LeaseLost(job: attempt.job) }
                if let video { try db.insert(video, into: "videos", upsertKey: ["id"]) }
                try WebhookRepository.queue(db, endOf: job, now: now)
                return job
            })
    }

    /// Ends the job as failed or canceled (`status`; anything else counts as failed), with the reason.
    @discardableResult
    public func finish(
        _ attempt: JobAttempt, status: JobStatus, failure: JobFailure?, retention: Double,
        now: Double = Date().timeIntervalSince1970
    ) async throws -> JobRecord {
        let ended: JobStatus = status == .canceled ? .canceled : .failed  // the only ends a failure can have
        let error = try failure.map(Self.encode)
        return written(
            [attempt.job],
            try await database.write { db in
                guard
                    let job = try db.fetchRecord(
                        JobRecord.self,
                        """
                        UPDATE jobs SET status = ?, stage = ?, eta_seconds = NULL, error = ?, finished_at = ?, expires_at = ?,
                                        lease_owner = NULL, lease_expires_at = NULL, attempt_token = NULL
                        WHERE id = ? AND attempt_token = ? AND status = 'running' RETURNING *
                        """, [ended.rawValue, ended.rawValue, error, now, now + retention, attempt.job, attempt.token])
                else { throw LeaseLost(job: attempt.job) }
                try WebhookRepository.queue(db, endOf: job, now: now)
                return job
            })
    }

    /// Puts a running job back in the queue: after a transient failure (`countAttempt`
    /// true, run again at `runAfter`) or at shutdown (the attempt is given back).
    @discardableResult
    public func requeue(_ attempt: JobAttempt, runAfter: Double, failure: JobFailure?, countAttempt: Bool) async throws -> JobRecord {
        let error = try failure.map(Self.encode)
        return written(
            [attempt.job],
            try await database.write { db in
                guard
                    let job = try db.fetchRecord(
                        JobRecord.self,
                        """
                        UPDATE jobs SET status = 'queued', stage = 'queued', eta_seconds = NULL, run_after = ?, error = ?,
                                        attempts = attempts - ?, lease_owner = NULL, lease_expires_at = NULL, attempt_token = NULL
                        WHERE id = ? AND attempt_token = ? AND status = 'running' RETURNING *
                        """, [runAfter, error, countAttempt ? 0 : 1, attempt.job, attempt.token])
                else { throw LeaseLost(job: attempt.job) }
                return job
            })
    }

    private static func encode(_ failure: JobFailure) throws -> String {
        String(decoding: try JSONEncoder().encode(failure), as: UTF8.self)
    }

    /// What a cancel request found.
    public enum CancelOutcome: Sendable {
        /// The job was queued and is canceled now.
        case canceled(JobRecord)
        /// The job is running; its worker has been asked to stop.
        case requested(JobRecord)
        /// The job had already ended.
        case alreadyEnded(JobRecord)
        case notFound
    }

    public func requestCancel(_ id: String, retention: Double, now: Double = Date().timeIntervalSince1970) async throws -> CancelOutcome {
        defer { ChildJobs.forgetCachedChildren(of: id, in: database) }
        return written(
            [id],
            try await database.write { db in
                guard let job = try db.fetchRecord(JobRecord.self, "SELECT * FROM jobs WHERE id = ? \(db.dialect.forUpdate)", [id]) else {
                    return .notFound
                }
                // A chunked render's parts stop with it: queued ones now, running ones at their next beat.
                if !job.status.isFinal { try ChildJobs.cancelChildren(of: id, db: db, retention: retention, now: now) }
                switch job.status {
                case .queued:
                    let canceled = try db.fetchRecord(
                        JobRecord.self,
                        """
                        UPDATE jobs SET status = 'canceled', stage = 'canceled', cancel_requested = 1, finished_at = ?,
                                        expires_at = ?, eta_seconds = NULL
                        WHERE id = ? RETURNING *
                        """, [now, now + retention, id])
                    if let canceled { try WebhookRepository.queue(db, endOf: canceled, now: now) }
                    return .canceled(canceled ?? job)
                case .running:
                    let requested = try db.fetchRecord(
                        JobRecord.self, "UPDATE jobs SET cancel_requested = 1 WHERE id = ? RETURNING *",
                        [id])
                    return .requested(requested ?? job)
                case .succeeded, .failed, .canceled:
                    return .alreadyEnded(job)
                }
            })
    }

    /// What start-up recovery did with the jobs a dead process was running.
    public struct Recovery: Sendable, Equatable {
        /// Requeued without spending an attempt, now under suspicion (they run alone next time).
        public var requeued: [String] = []
        /// Failed with `error.type: crashed`; they need `POST /api/jobs/{id}/retry`.
        public var quarantined: [String] = []
    }

    /// At start-up, with the data directory locked to this process: every job left
    /// `running` belonged to a process that died (a graceful stop puts its jobs back in
    /// the queue, so it leaves none). Which job killed it cannot be known, so:
    /// - a job that was running alone, or that was already under suspicion, is the likely
    ///   culprit: it is quarantined — failed with `crashed` — and runs again only on a
    ///   manual retry (a poison job never crash-loops the server);
    /// - each of several jobs running together is a possible bystander: it goes back to
    ///   the queue with its attempt given back and is marked suspect (`crash_count`). A
    ///   suspect job runs alone (see `claim`), so if it is the culprit the next crash
    ///   quarantines it, and the others never lose an attempt.
    public func recoverInterrupted(retention: Double, now: Double = Date().timeIntervalSince1970) async throws -> Recovery {
        let failure = try Self.encode(
            JobFailure(
                type: "crashed", message: "the server stopped while running this job (the process died)",
                suggestion: "retry it with POST /api/jobs/{id}/retry if it should run again; if the server dies again, check its logs and the request"
            ))
        let recovery = try await database.write { db in
            let running = try db.fetchAll("SELECT id, crash_count FROM jobs WHERE status = 'running' ORDER BY id")
            var recovery = Recovery()
            for row in running {
                let id: String = row["id"]
                let crashes: Int = row["crash_count"]
                if running.count == 1 || crashes > 0 {
                    let crashed = try db.fetchRecord(
                        JobRecord.self,
                        """
                        UPDATE jobs SET status = 'failed', stage = 'failed', eta_seconds = NULL, error = ?, finished_at = ?,
                                        expires_at = ?, crash_count = crash_count + 1, lease_owner = NULL,
                                        lease_expires_at = NULL, attempt_token = NULL
                        WHERE id = ? RETURNING *
                        """, [failure, now, now + retention, id])
                    if let crashed { try WebhookRepository.queue(db, endOf: crashed, now: now) }
                    recovery.quarantined.append(id)
                } else {
                    try db.execute(
                        """
                        UPDATE jobs SET status = 'queued', stage = 'queued', run_after = ?, attempts = \(db.dialect.greatest("attempts - 1", "0")),
                                        crash_count = crash_count + 1, lease_owner = NULL, lease_expires_at = NULL,
                                        attempt_token = NULL
                        WHERE id = ?
                        """, [now, id])
                    recovery.requeued.append(id)
                }
            }
            return recovery
        }
        database.jobCache?.invalidateAll()
        return recovery
    }

    /// What a manual retry found.
    public enum RetryOutcome: Sendable {
        case requeued(JobRecord)
        /// Only a failed job (crashed included) can be retried.
        case notFailed(JobRecord)
        case notFound
    }

    /// Puts a failed job back in the queue as if new: attempts and suspicion cleared, its
    /// checkpoints kept (a generation retried does not pay again for what it finished).
    public func retry(_ id: String, maxQueued: Int? = nil, now: Double = Date().timeIntervalSince1970) async throws -> RetryOutcome {
        written(
            [id],
            try await database.write { db in
                guard let job = try db.fetchRecord(JobRecord.self, "SELECT * FROM jobs WHERE id = ? \(db.dialect.forUpdate)", [id]) else {
                    return .notFound
                }
                guard job.status == .failed else { return .notFailed(job) }
                try Self.requireRoom(db, maxQueued: maxQueued)
                let requeued = try db.fetchRecord(
                    JobRecord.self,
                    """
                    UPDATE jobs SET status = 'queued', stage = 'queued', progress = 0, eta_seconds = NULL, error = NULL, result = NULL,
                                    attempts = 0, crash_count = 0, run_after = ?, finished_at = NULL, expires_at = NULL,
                                    cancel_requested = 0, lease_owner = NULL, lease_expires_at = NULL, attempt_token = NULL
                    WHERE id = ? AND status = 'failed' RETURNING *
                    """, [now, id])
                if let requeued { try db.wake(Self.queuedChannel, payload: requeued.kind) }
                return requeued.map(RetryOutcome.requeued) ?? .notFailed(job)
            })
    }

    public func countsByStatus() async throws -> [JobStatus: Int] {
        try database.read { db in
            var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
            for row in try db.fetchAll("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status") {
                if let status = JobStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }

    /// The finished jobs whose retention has run out, with their output files.
    public func expired(now: Double = Date().timeIntervalSince1970, limit: Int = 500) async throws -> [(job: String, files: [String])] {
        try database.read { db in
            // A chunked render's parts go with their parent (ON DELETE CASCADE), never before it.
            let ids = try db.fetchValues(String.self, "SELECT id FROM jobs WHERE expires_at < ? AND parent_id IS NULL LIMIT ?", [now, limit])
            return try ids.map { id in
                (id, try db.fetchValues(String.self, "SELECT path FROM videos WHERE job_id = ?", [id]))
            }
        }
    }

    /// Deletes jobs (their video rows go with them).
    public func delete(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        written(
            ids,
            try await database.write { db in
                for id in ids { try db.execute("DELETE FROM jobs WHERE id = ?", [id]) }
            })
    }

    /// The file names of every video row and of the extra files that may be made beside it
    /// (poster, sprite, …): what the orphan sweeps keep.
    public func videoFileNames() throws -> Set<String> {
        let paths = try database.read { db in try db.fetchValues(String.self, "SELECT path FROM videos") }
        var names = Set<String>()
        for path in paths {
            names.insert((path as NSString).lastPathComponent)
            for extra in ExtraFile.names { names.insert((VideoExtraFiles.path(extra, besideVideo: path) as NSString).lastPathComponent) }
        }
        return names
    }

    public func video(_ id: String) async throws -> VideoRecord? {
        try database.read { db in try db.fetchRecord(VideoRecord.self, "SELECT * FROM videos WHERE id = ?", [id]) }
    }
}

/// Where a page of `GET /api/jobs` ends; given back as `cursor` for the next page.
public struct JobCursor: Sendable, Equatable {
    public let createdAt: Double
    public let id: String

    public init(createdAt: Double, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    /// Opaque to clients: base64url of "created_at|id".
    public var token: String {
        Data("\(createdAt)|\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(token: String) {
        guard token.count <= 200 else { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|", maxSplits: 1)
        guard parts.count == 2, let createdAt = Double(parts[0]), Identifier.isValid(String(parts[1]), .job) else { return nil }
        self.init(createdAt: createdAt, id: String(parts[1]))
    }
}
