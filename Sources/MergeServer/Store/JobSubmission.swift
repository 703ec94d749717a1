import Foundation

/// A new job on its way into the queue, with what its insert must check and write beside
/// it. `JobRepository.enqueue` makes one; `EnqueueGroupCommit` inserts several of them in
/// one transaction.
struct JobSubmission: Sendable {
    /// The row to insert (its id, owner, idempotency key and request hash are set).
    let job: JobRecord
    /// Refused with `QueueFull` when this many jobs are queued already.
    let maxQueued: Int?
    /// The owner's submissions run one at a time (the key's lock held alone): `alsoWrite`
    /// checks what the earlier ones reserved.
    let oneAtATime: Bool
    let alsoWrite: JobRepository.CompanionWrite
    /// Who to record as its submitter in the audit log; nil: no entry.
    let submitter: AuditLog.Submitter?

    typealias Outcome = Result<JobRepository.EnqueueOutcome, any Error>

    /// Inserts `submissions` in the caller's transaction, in order, each as a lone
    /// `enqueue` would: an idempotency key's replay or conflict, and a full queue, are that
    /// submission's outcome and leave the others alone. Anything else thrown (a companion
    /// write's refusal, a database error) is the whole group's: the caller rolls back and
    /// tries the submissions one by one, so it lands on the one that caused it.
    static func insertAll(_ submissions: [JobSubmission], _ db: any SQLConnection, gauge: QueuedJobsGauge) throws -> [Outcome] {
        try lockOwners(of: submissions, db)
        var queued = try queuedCount(for: submissions, db, gauge: gauge)
        var outcomes = [Outcome?](repeating: nil, count: submissions.count)
        // Which submissions are inserted, and which wait for the insert to learn their replay.
        var admitted: [Int] = []
        var replayLater: [Int] = []
        var keysInGroup = Set<String>()
        for (index, submission) in submissions.enumerated() {
            if let key = submission.job.idempotencyKey {
                if keysInGroup.contains(key) {
                    replayLater.append(index)
                    continue
                }
                if let replayed = try replay(submission, db) {
                    outcomes[index] = replayed
                    continue
                }
            }
            if let limit = submission.maxQueued, queued >= limit {
                outcomes[index] = .failure(JobRepository.QueueFull(queued: queued))
                continue
            }
            queued += 1
            admitted.append(index)
            if let key = submission.job.idempotencyKey { keysInGroup.insert(key) }
        }
        // Rows in the order of their keys: two groups that share keys wait for each other
        // in one order, never in a circle.
        let rows = admitted.map { submissions[$0].job }.sorted { ($0.idempotencyKey ?? "") < ($1.idempotencyKey ?? "") }
        let inserted = try insertRows(rows, db)
        gauge.added(inserted.count)
        var entries: [AuditLog.NewEntry] = []
        for index in admitted {
            let submission = submissions[index]
            let job = submission.job
            guard inserted.contains(job.id) else {
                // A submission of the same key that committed meanwhile won; this one is its replay.
                replayLater.append(index)
                continue
            }
            try submission.alsoWrite(db, job)
            if let by = submission.submitter {
                entries.append(
                    AuditLog.NewEntry(
                        at: job.createdAt, actor: by.actor, via: by.via, action: .jobSubmitted, subject: job.id, requestID: by.requestID))
            }
            try db.wake(JobRepository.queuedChannel, payload: job.kind)
            outcomes[index] = .success(.created(job))
        }
        try AuditLog.record(db, entries)
        for index in replayLater {
            guard let replayed = try replay(submissions[index], db) else {
                throw StoreInconsistency("an idempotency key conflicted with no row")
            }
            outcomes[index] = replayed
        }
        return outcomes.map { $0! }
    }

    /// The owners' locks (PostgreSQL; SQLite's writes are one at a time anyway), in one
    /// order so two groups cannot wait for each other: held alone for an owner whose
    /// submissions check budgets against each other, shared otherwise.
    private static func lockOwners(of submissions: [JobSubmission], _ db: any SQLConnection) throws {
        var alone: [String: Bool] = [:]
        for submission in submissions {
            let owner = submission.job.ownerKeyID ?? ""
            alone[owner] = (alone[owner] ?? false) || submission.oneAtATime
        }
        for (owner, isAlone) in alone.sorted(by: { $0.key < $1.key }) {
            if isAlone {
                try db.serialize(on: "enqueue \(owner)")
            } else {
                try db.serializeShared(on: "enqueue \(owner)")
            }
        }
    }

    /// How many jobs are queued, when a submission has a limit: the gauge's estimate far
    /// below it, a count otherwise (see `QueuedJobsGauge` for what that allows).
    private static func queuedCount(for submissions: [JobSubmission], _ db: any SQLConnection, gauge: QueuedJobsGauge) throws -> Int {
        guard let limit = submissions.compactMap(\.maxQueued).max() else { return 0 }
        if let estimate = gauge.estimate(below: limit) { return estimate }
        // Counting stops at the largest limit: past it every submission is refused anyway.
        let queued = try db.fetchValue(Int.self, "SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE status = 'queued' LIMIT ?) AS q", [limit]) ?? 0
        gauge.counted(queued)
        return queued
    }

    /// The job made earlier with this submission's idempotency key, or the conflict when
    /// that job's request differs; nil when there is none.
    private static func replay(_ submission: JobSubmission, _ db: any SQLConnection) throws -> Outcome? {
        guard let key = submission.job.idempotencyKey,
            let existing = try db.fetchRecord(JobRecord.self, "SELECT * FROM jobs WHERE idempotency_key = ?", [key])
        else { return nil }
        guard existing.requestSHA256 == submission.job.requestSHA256 else {
            return .failure(JobRepository.IdempotencyConflict(existing: existing))
        }
        return .success(.existing(existing))
    }

    /// One multi-row INSERT; returns the ids inserted. Without idempotency keys nothing can
    /// conflict, and the statement is sent without waiting for its answer.
    private static func insertRows(_ jobs: [JobRecord], _ db: any SQLConnection) throws -> Set<String> {
        guard let first = jobs.first else { return [] }
        let names = try SQLRecordEncoder.columns(of: first).map(\.column)
        var values: [SQLValue] = []
        values.reserveCapacity(names.count * jobs.count)
        for job in jobs {
            let columns = try SQLRecordEncoder.columns(of: job)
            guard columns.map(\.column) == names else { throw StoreInconsistency("two jobs encode different columns") }
            values += columns.map(\.value)
        }
        let row = "(" + Array(repeating: "?", count: names.count).joined(separator: ", ") + ")"
        let sql = "INSERT INTO jobs (\(names.joined(separator: ", "))) VALUES " + Array(repeating: row, count: jobs.count).joined(separator: ", ")
        guard jobs.contains(where: { $0.idempotencyKey != nil }) else {
            try db.send(sql, SQLArguments(values))
            return Set(jobs.map(\.id))
        }
        return Set(try db.fetchValues(String.self, sql + " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id", SQLArguments(values)))
    }
}
