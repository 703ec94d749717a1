import Foundation

/// Where a key stands against its quotas, for `GET /api/keys`: what it spent (in all and
/// this UTC day), what its queued and running jobs still hold, what is left of each
/// budget (null without one) and its jobs running and waiting.
struct KeyUsage: Encodable, Sendable, Equatable {
    var spentUSD: Double
    var spentTodayUSD: Double
    var heldUSD: Double
    var remainingUSD: Double?
    var remainingTodayUSD: Double?
    var runningJobs: Int
    var queuedJobs: Int

    enum CodingKeys: String, CodingKey {
        case spentUSD = "spent_usd"
        case spentTodayUSD = "spent_today_usd"
        case heldUSD = "held_usd"
        case remainingUSD = "remaining_usd"
        case remainingTodayUSD = "remaining_today_usd"
        case runningJobs = "running_jobs"
        case queuedJobs = "queued_jobs"
    }

    /// Null budgets stay null in the JSON (no budget, nothing to run out of).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(spentUSD, forKey: .spentUSD)
        try container.encode(spentTodayUSD, forKey: .spentTodayUSD)
        try container.encode(heldUSD, forKey: .heldUSD)
        try container.encode(remainingUSD, forKey: .remainingUSD)
        try container.encode(remainingTodayUSD, forKey: .remainingTodayUSD)
        try container.encode(runningJobs, forKey: .runningJobs)
        try container.encode(queuedJobs, forKey: .queuedJobs)
    }

    static func read(_ database: Database, key: APIKeyRecord, now: Double = Date().timeIntervalSince1970) throws -> KeyUsage {
        let today = SpendLedger.dayStart(now)
        return try database.read { db in
            let scope = SpendLedger.Scope.key(key.id)
            let spent = try SpendLedger.charged(db, scope, since: 0)
            let spentToday = try SpendLedger.charged(db, scope, since: today)
            let held = try SpendLedger.held(db, scope, since: 0)
            let heldToday = try SpendLedger.held(db, scope, since: today)
            func count(_ status: JobStatus) throws -> Int {
                try db.fetchValue(Int.self, "SELECT COUNT(*) FROM jobs WHERE status = ? AND owner_key_id = ?", [status.rawValue, key.id]) ?? 0
            }
            return KeyUsage(
                spentUSD: CostRepository.cents(spent), spentTodayUSD: CostRepository.cents(spentToday), heldUSD: CostRepository.cents(held),
                remainingUSD: key.limits.budgetUSD.map { max(0, CostRepository.cents($0 - spent - held)) },
                remainingTodayUSD: key.limits.dailyBudgetUSD.map { max(0, CostRepository.cents($0 - spentToday - heldToday)) },
                runningJobs: try count(.running), queuedJobs: try count(.queued))
        }
    }
}
