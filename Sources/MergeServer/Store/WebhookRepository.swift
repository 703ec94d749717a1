import Foundation

/// Where a delivery is: waiting for its next attempt, or done one way or the other.
public enum WebhookDeliveryStatus: String, Codable, Sendable {
    case pending, delivered, failed
}

/// What one attempt led to: `delivered` (2xx), `retry` (it will be tried again) or
/// `failed` (given up: an answer that will not change, or the retry window ran out).
public enum WebhookAttemptOutcome: String, Codable, Sendable {
    case delivered, retry, failed
}

/// One row of `webhook_deliveries`: one job end to announce. Its id is the `webhook-id`
/// of every attempt (receivers deduplicate by it) and its body the job as it ended.
public struct WebhookDelivery: Sendable, Equatable {
    public var id: String
    public var jobID: String
    /// The key whose secret signs it; nil: the server's secret.
    public var ownerKeyID: String?
    public var url: String
    /// The status the job ended with.
    public var jobStatus: JobStatus
    public var body: String
    public var status: WebhookDeliveryStatus
    public var attempts: Int
    public var createdAt: Double
    public var nextAttemptAt: Double?
    /// The retry window runs from here.
    public var firstAttemptAt: Double?
    public var finishedAt: Double?

    init(row: SQLRow) {
        id = row["id"]
        jobID = row["job_id"]
        ownerKeyID = row["owner_key_id"]
        url = row["url"]
        jobStatus = JobStatus(rawValue: row["job_status"]) ?? .failed
        body = row["body"]
        status = WebhookDeliveryStatus(rawValue: row["status"]) ?? .failed
        attempts = row["attempts"]
        createdAt = row["created_at"]
        nextAttemptAt = row["next_attempt_at"]
        firstAttemptAt = row["first_attempt_at"]
        finishedAt = row["finished_at"]
    }
}

/// One row of `webhook_attempts`.
public struct WebhookAttempt: Sendable, Equatable {
    public var number: Int
    public var at: Double
    public var durationSeconds: Double
    /// The receiver's HTTP status; nil when none came (`error` says why).
    public var statusCode: Int?
    public var error: String?
    public var outcome: WebhookAttemptOutcome

    public init(number: Int, at: Double, durationSeconds: Double, statusCode: Int?, error: String?, outcome: WebhookAttemptOutcome) {
        self.number = number
        self.at = at
        self.durationSeconds = durationSeconds
        self.statusCode = statusCode
        self.error = error
        self.outcome = outcome
    }
}

/// The webhook outbox. A delivery is queued in the transaction that ends its job (so a
/// job never ends without its delivery, and a crash loses none), claimed when due by
/// `WebhookDeliverer`, and every attempt is recorded with what it led to.
public struct WebhookRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Queues the announcement of `job`'s end, if it has a callback URL. Runs inside the
    /// transaction that ended it; `job` is the row as it ended.
    static func queue(_ db: any SQLConnection, endOf job: JobRecord, now: Double) throws {
        guard let url = job.callbackURL, job.status.isFinal else { return }
        let body = String(decoding: try JSONEncoder.api.encode(JobResource(job)), as: UTF8.self)
        try db.execute(
            """
            INSERT INTO webhook_deliveries (id, job_id, owner_key_id, url, job_status, body, status, created_at, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)
            """,
            [Identifier.make(.webhookMessage), job.id, job.ownerKeyID, url, job.status.rawValue, body, now, now])
    }

    /// Takes the delivery that has waited longest for its due attempt, and holds it until
    /// `holdUntil` (when a process that died mid-attempt lets it go again). The outbox is
    /// looked at with a read first: an idle poll takes no write lock.
    func claim(now: Double, holdUntil: Double) async throws -> WebhookDelivery? {
        let due = try database.read { db in
            try db.fetchValue(Bool.self, "SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?)", [now])
        }
        guard due == true else { return nil }
        return try await database.write { db in
            try db.fetchOne(
                """
                UPDATE webhook_deliveries SET next_attempt_at = ?
                WHERE id = (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
                            ORDER BY next_attempt_at LIMIT 1 \(db.dialect.forUpdateSkipLocked))
                RETURNING *
                """, [holdUntil, now]
            ).map(WebhookDelivery.init)
        }
    }

    /// Records an attempt and what follows: the next one at `nextAttemptAt` (outcome
    /// `retry`), or the delivery's end. A delivery given up is written to the audit log.
    func record(_ attempt: WebhookAttempt, of delivery: WebhookDelivery, nextAttemptAt: Double?) async throws {
        let status: WebhookDeliveryStatus =
            switch attempt.outcome {
            case .delivered: .delivered
            case .retry: .pending
            case .failed: .failed
            }
        let finishedAt = status == .pending ? nil : attempt.at + attempt.durationSeconds
        try await database.write { db in
            try db.execute(
                """
                INSERT INTO webhook_attempts (delivery_id, number, at, duration_seconds, status_code, error, outcome)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    delivery.id, attempt.number, attempt.at, attempt.durationSeconds, attempt.statusCode, attempt.error,
                    attempt.outcome.rawValue,
                ])
            try db.execute(
                """
                UPDATE webhook_deliveries SET attempts = ?, first_attempt_at = COALESCE(first_attempt_at, ?), status = ?,
                                              next_attempt_at = ?, finished_at = ?
                WHERE id = ?
                """, [attempt.number, attempt.at, status.rawValue, nextAttemptAt, finishedAt, delivery.id])
            if status == .failed {
                try AuditLog.record(
                    db, .webhookGaveUp, subject: delivery.jobID, actor: nil, via: .server, requestID: nil, now: finishedAt ?? attempt.at)
            }
        }
    }

    /// Gives a claimed delivery back, due now, without counting an attempt (one stopped by
    /// a shutdown). Synchronous: it runs as its task is being cancelled.
    func release(_ id: String, now: Double = Date().timeIntervalSince1970) throws {
        try database.writeNow { db in
            try db.execute(
                "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending'", [now, id])
        }
    }

    /// A job's deliveries, oldest first, each with its attempts in order.
    public func deliveries(ofJob job: String) throws -> [(delivery: WebhookDelivery, attempts: [WebhookAttempt])] {
        try database.read { db in
            let deliveries = try db.fetchAll(
                "SELECT * FROM webhook_deliveries WHERE job_id = ? ORDER BY created_at, id", [job]
            ).map(WebhookDelivery.init)
            return try deliveries.map { delivery in
                let attempts = try db.fetchAll(
                    "SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY number", [delivery.id]
                ).map { row in
                    WebhookAttempt(
                        number: row["number"], at: row["at"], durationSeconds: row["duration_seconds"], statusCode: row["status_code"],
                        error: row["error"], outcome: WebhookAttemptOutcome(rawValue: row["outcome"]) ?? .failed)
                }
                return (delivery, attempts)
            }
        }
    }
}
