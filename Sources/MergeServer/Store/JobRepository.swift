import Foundation
import Generation
import GRDB

/// The durable job queue. Every change a worker makes is conditioned on its lease
/// (`lease_owner = ?`), so a worker that lost its lease (it stalled, or the server was
/// killed and the job handed to another) can no longer write the job: each job ends once.
public struct JobRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// What `enqueue` did: made a new job, or found the one made earlier with the same idempotency key.
    public enum EnqueueOutcome: Sendable {
        case created(JobRecord)
        case existing(JobRecord)

        public var job: JobRecord {
            switch self { case .created(let job), .existing(let job): job }
        }
    }

    /// Another request used the idempotency key with a different body.
    public struct IdempotencyConflict: Error, Sendable {
        public let existing: JobRecord
    }

    /// What else a new job writes with it, in its transaction (its cost estimate).
    public typealias CompanionWrite = @Sendable (GRDB.Database, JobRecord) throws -> Void

    public func enqueue(kind: String, request: String, idempotencyKey: String?, maxAttempts: Int,
                        now: Double = Date().timeIntervalSince1970,
                        alsoWrite: CompanionWrite = { _, _ in }) async throws -> EnqueueOutcome {
        let hash = SHA256Hex.of("\(kind)\n\(request)")
        let job = JobRecord(id: Identifier.make(.job), kind: kind, status: .queued, request: request, requestSHA256: hash,
                            idempotencyKey: idempotencyKey, progress: 0, stage: nil, etaSeconds: nil, error: nil,
                            result: nil, attempts: 0, maxAttempts: maxAttempts, runAfter: now, leaseOwner: nil,
                            leaseExpiresAt: nil, cancelRequested: false, createdAt: now, startedAt: nil,
                            finishedAt: nil, expiresAt: nil)
        return written([job.id], try await database.pool.write { db in
            if let idempotencyKey,
               let existing = try JobRecord.fetchOne(db, sql: "SELECT * FROM jobs WHERE idempotency_key = ?", arguments: [idempotencyKey]) {
                guard existing.requestSHA256 == hash else { throw IdempotencyConflict(existing: existing) }
                return .existing(existing)
            }
            try job.insert(db)
            try alsoWrite(db, job)
            return .created(job)
        })
    }

    public func find(_ id: String) async throws -> JobRecord? {
        try database.jobCache.value(for: id) {
            try database.fetchOne(JobRecord.self, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id])
        }
    }

    /// Every write below ends here: the rows it changed leave the cache once it committed.
    private func written<T>(_ ids: [String?], _ value: T) -> T {
        for id in ids { if let id { database.jobCache.invalidate(id) } }
        return value
    }

    /// A page of jobs, newest first. `cursor` is the last job of the previous page.
    public func list(status: JobStatus?, kind: String?, limit: Int, after cursor: JobCursor?) async throws -> [JobRecord] {
        try database.readNow { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let status { conditions.append("status = ?"); arguments += [status.rawValue] }
            if let kind { conditions.append("kind = ?"); arguments += [kind] }
            if let cursor {
                conditions.append("(created_at < ? OR (created_at = ? AND id < ?))")
                arguments += [cursor.createdAt, cursor.createdAt, cursor.id]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [limit]
            return try JobRecord.fetchAll(db, sql: "SELECT * FROM jobs \(filter) ORDER BY created_at DESC, id DESC LIMIT ?",
                                          arguments: arguments)
        }
    }

    /// Which kinds a worker takes.
    public enum KindFilter: Sendable {
        case any
        case only([String])
        case excluding([String])

        /// The SQL condition on `kind` and its arguments.
        fileprivate var condition: (sql: String, arguments: [String]) {
            switch self {
            case .any: ("1", [])
            case .only(let kinds): ("kind IN (\(placeholders(kinds.count)))", kinds)
            case .excluding(let kinds): ("kind NOT IN (\(placeholders(kinds.count)))", kinds)
            }
        }

        private func placeholders(_ count: Int) -> String {
            Array(repeating: "?", count: count).joined(separator: ", ")
        }
    }

    /// Takes the oldest runnable job of `kinds`: a queued one whose time has come, or a running
    /// one whose lease has expired (its worker died). Starts a new attempt under `owner`'s lease.
    public func claim(owner: String, leaseSeconds: Double, kinds: KindFilter = .any,
                      now: Double = Date().timeIntervalSince1970) async throws -> JobRecord? {
        let filter = kinds.condition
        let job = try await database.pool.write { db in
            try JobRecord.fetchOne(db, sql: """
                UPDATE jobs SET status = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
                                started_at = COALESCE(started_at, ?), stage = 'starting'
                WHERE id = (SELECT id FROM jobs
                            WHERE ((status = 'queued' AND run_after <= ?) OR (status = 'running' AND lease_expires_at < ?))
                              AND \(filter.sql)
                            ORDER BY run_after, created_at LIMIT 1)
                RETURNING *
                """, arguments: [owner, now + leaseSeconds, now, now, now] + StatementArguments(filter.arguments))
        }
        return written([job?.id], job)
    }

    /// Extends the lease. Returns nil when the job is no longer ours, else whether a cancel was asked for.
    public func renewLease(_ id: String, owner: String, leaseSeconds: Double,
                           now: Double = Date().timeIntervalSince1970) async throws -> Bool? {
        written([id], try await database.pool.write { db in
            try Bool.fetchOne(db, sql: """
                UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'
                RETURNING cancel_requested
                """, arguments: [now + leaseSeconds, id, owner])
        })
    }

    public func updateProgress(_ id: String, owner: String, progress: Double, stage: String, etaSeconds: Double?) async throws {
        written([id], try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET progress = ?, stage = ?, eta_seconds = ? WHERE id = ? AND lease_owner = ? AND status = 'running'
                """, arguments: [progress, stage, etaSeconds, id, owner])
        })
    }

    /// Ends the job as succeeded, recording its output video (if any) in the same transaction.
    @discardableResult
    public func succeed(_ id: String, owner: String, result: String, video: VideoRecord?, retention: Double,
                        now: Double = Date().timeIntervalSince1970) async throws -> JobRecord? {
        written([id], try await database.pool.write { db in
            guard let job = try JobRecord.fetchOne(db, sql: """
                UPDATE jobs SET status = 'succeeded', progress = 1, stage = 'done', eta_seconds = 0, result = ?, error = NULL,
                                finished_at = ?, expires_at = ?, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ? AND lease_owner = ? AND status = 'running' RETURNING *
                """, arguments: [result, now, now + retention, id, owner]) else { return nil }
            if let video { try video.save(db) }
            return job
        })
    }

    /// Ends the job as failed or canceled (`status`), with the reason.
    @discardableResult
    public func finish(_ id: String, owner: String, status: JobStatus, failure: JobFailure?, retention: Double,
                       now: Double = Date().timeIntervalSince1970) async throws -> JobRecord? {
        precondition(status == .failed || status == .canceled, "finish ends a job as failed or canceled")
        let error = try failure.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return written([id], try await database.pool.write { db in
            try JobRecord.fetchOne(db, sql: """
                UPDATE jobs SET status = ?, stage = ?, eta_seconds = NULL, error = ?, finished_at = ?, expires_at = ?,
                                lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ? AND lease_owner = ? AND status = 'running' RETURNING *
                """, arguments: [status.rawValue, status.rawValue, error, now, now + retention, id, owner])
        })
    }

    /// Puts a running job back in the queue: after a transient failure (`countAttempt`
    /// true, run again at `runAfter`) or at shutdown (the attempt is given back).
    @discardableResult
    public func requeue(_ id: String, owner: String, runAfter: Double, failure: JobFailure?, countAttempt: Bool) async throws -> JobRecord? {
        let error = try failure.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return written([id], try await database.pool.write { db in
            try JobRecord.fetchOne(db, sql: """
                UPDATE jobs SET status = 'queued', stage = 'queued', eta_seconds = NULL, run_after = ?, error = ?,
                                attempts = attempts - ?, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ? AND lease_owner = ? AND status = 'running' RETURNING *
                """, arguments: [runAfter, error, countAttempt ? 0 : 1, id, owner])
        })
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
        written([id], try await database.pool.write { db in
            guard let job = try JobRecord.fetchOne(db, key: id) else { return .notFound }
            switch job.status {
            case .queued:
                let canceled = try JobRecord.fetchOne(db, sql: """
                    UPDATE jobs SET status = 'canceled', stage = 'canceled', cancel_requested = 1, finished_at = ?,
                                    expires_at = ?, eta_seconds = NULL
                    WHERE id = ? RETURNING *
                    """, arguments: [now, now + retention, id])
                return .canceled(canceled ?? job)
            case .running:
                let requested = try JobRecord.fetchOne(db, sql: "UPDATE jobs SET cancel_requested = 1 WHERE id = ? RETURNING *",
                                                       arguments: [id])
                return .requested(requested ?? job)
            case .succeeded, .failed, .canceled:
                return .alreadyEnded(job)
            }
        })
    }

    /// At start-up, with the data directory locked to this process: every job left
    /// `running` belonged to a process that is gone. Give them back to the queue now
    /// rather than waiting for their leases to run out.
    public func recoverInterrupted(now: Double = Date().timeIntervalSince1970) async throws -> Int {
        let count = try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET status = 'queued', stage = 'queued', run_after = ?, lease_owner = NULL, lease_expires_at = NULL
                WHERE status = 'running'
                """, arguments: [now])
            return db.changesCount
        }
        database.jobCache.invalidateAll()
        return count
    }

    public func countsByStatus() async throws -> [JobStatus: Int] {
        try database.readNow { db in
            var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM jobs GROUP BY status") {
                if let status = JobStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }

    /// The finished jobs whose retention has run out, with their output files.
    public func expired(now: Double = Date().timeIntervalSince1970, limit: Int = 500) async throws -> [(job: String, files: [String])] {
        try database.readNow { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE expires_at < ? LIMIT ?", arguments: [now, limit])
            return try ids.map { id in
                (id, try String.fetchAll(db, sql: "SELECT path FROM videos WHERE job_id = ?", arguments: [id]))
            }
        }
    }

    /// Deletes jobs (their video rows go with them).
    public func delete(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        written(ids, try await database.pool.write { db in
            for id in ids { try db.execute(sql: "DELETE FROM jobs WHERE id = ?", arguments: [id]) }
        })
    }

    public func video(_ id: String) async throws -> VideoRecord? {
        try database.fetchOne(VideoRecord.self, sql: "SELECT * FROM videos WHERE id = ?", arguments: [id])
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
