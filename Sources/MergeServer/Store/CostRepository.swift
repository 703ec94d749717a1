import Foundation

/// What generation costs: one row per job and model, with the estimate recorded when
/// the job was accepted and the actual spend added as provider calls finish.
public struct CostRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public struct Estimate: Sendable, Equatable {
        public var model: String
        public var provider: String
        public var usd: Double
        public var isMock: Bool

        public init(model: String, provider: String, usd: Double, isMock: Bool) {
            self.model = model
            self.provider = provider
            self.usd = usd
            self.isMock = isMock
        }
    }

    /// Records a new job's estimate, in the transaction that inserts the job.
    /// `owner`: the key the job belongs to (nil: made while the server had no keys).
    static func recordEstimate(_ db: any SQLConnection, job: String, owner: String?, _ estimates: [Estimate], now: Double) throws {
        for estimate in estimates {
            try db.execute(
                """
                INSERT INTO costs (job_id, model, provider, estimated_usd, actual_usd, is_mock, created_at, owner_key_id)
                VALUES (?, ?, ?, ?, NULL, ?, ?, ?)
                """, [job, estimate.model, estimate.provider, estimate.usd, estimate.isMock, now, owner])
        }
    }

    /// Adds what one provider call of `attempt` cost to the job's row for that model;
    /// throws `LeaseLost` (and records nothing) when the attempt no longer owns the job.
    public func addActual(
        _ attempt: JobAttempt, model: String, provider: String, usd: Double, isMock: Bool,
        now: Double = Date().timeIntervalSince1970
    ) async throws {
        let job = attempt.job
        try await database.write { db in
            try attempt.requireOwnership(db)
            let added = try db.execute(
                "UPDATE costs SET actual_usd = COALESCE(actual_usd, 0) + ? WHERE job_id = ? AND model = ?",
                [usd, job, model])
            if added == 0 {
                try db.execute(
                    """
                    INSERT INTO costs (job_id, model, provider, estimated_usd, actual_usd, is_mock, created_at, owner_key_id)
                    VALUES (?, ?, ?, 0, ?, ?, ?, (SELECT owner_key_id FROM jobs WHERE id = ?))
                    """, [job, model, provider, usd, isMock, now, job])
            }
            // Money spent is audited with the charge, in its transaction: one cannot be without the other.
            if usd > 0 {
                let owner = try db.fetchValue(String.self, "SELECT owner_key_id FROM jobs WHERE id = ?", [job])
                try AuditLog.record(
                    db, .spendCharged, subject: "\(job) \(model) \(CostRepository.cents(usd)) USD", actor: owner, via: .job,
                    requestID: nil, now: now)
            }
        }
    }

    public struct JobTotal: Sendable, Codable, Equatable {
        public var estimatedUSD: Double
        public var actualUSD: Double

        enum CodingKeys: String, CodingKey {
            case estimatedUSD = "estimated_usd"
            case actualUSD = "actual_usd"
        }
    }

    public func total(job: String) async throws -> JobTotal {
        try database.read { db in
            let row = try db.fetchOne(
                "SELECT COALESCE(SUM(estimated_usd), 0) AS e, COALESCE(SUM(actual_usd), 0) AS a FROM costs WHERE job_id = ?",
                [job])
            return JobTotal(estimatedUSD: Self.cents(row?["e"] ?? 0), actualUSD: Self.cents(row?["a"] ?? 0))
        }
    }

    public struct DailyModelCost: Sendable, Codable, Equatable {
        public var day: String
        public var model: String
        public var provider: String
        public var jobs: Int
        public var estimatedUSD: Double
        public var actualUSD: Double
        public var mockJobs: Int

        enum CodingKeys: String, CodingKey {
            case day, model, provider, jobs
            case estimatedUSD = "estimated_usd"
            case actualUSD = "actual_usd"
            case mockJobs = "mock_jobs"
        }
    }

    /// Sums by UTC day and model, newest day first, between two times (seconds since 1970);
    /// `owner`: only what that key's jobs cost (nil: everyone's).
    public func byDayAndModel(from start: Double, to end: Double, owner: String? = nil) async throws -> [DailyModelCost] {
        try database.read { db in
            try db.fetchAll(
                """
                SELECT \(db.dialect.utcDay("created_at")) AS day, model, provider, COUNT(DISTINCT job_id) AS jobs,
                       SUM(estimated_usd) AS estimated, COALESCE(SUM(actual_usd), 0) AS actual,
                       COUNT(DISTINCT CASE WHEN is_mock = 1 THEN job_id END) AS mock_jobs
                FROM costs WHERE created_at >= ? AND created_at < ? AND (? IS NULL OR owner_key_id = ?)
                GROUP BY day, model, provider ORDER BY day DESC, model
                """, [start, end, owner, owner]
            ).map { row in
                DailyModelCost(
                    day: row["day"], model: row["model"], provider: row["provider"], jobs: row["jobs"],
                    estimatedUSD: Self.cents(row["estimated"]), actualUSD: Self.cents(row["actual"]), mockJobs: row["mock_jobs"])
            }
        }
    }

    /// Kept to a hundredth of a cent, so sums of many small prices print cleanly.
    static func cents(_ usd: Double) -> Double { (usd * 10_000).rounded() / 10_000 }
}
