import Foundation

/// The spend caps generation must fit: a key's total (`budget_usd`) and daily
/// (`daily_budget_usd`) budgets and the server's daily cap (`MERGE_SERVER_DAILY_BUDGET_USD`);
/// days are UTC, counted by when a job was accepted (as `GET /api/costs` counts them).
///
/// Two checks. A generation POST is admitted when what was spent, plus what the queued and
/// running jobs accepted before still hold, plus its own estimate, fits every budget; the
/// check runs in the transaction that inserts the job, under the key's lock (and, for the
/// server's cap, a lock all keys share), so two requests cannot both take the last dollar.
/// Then each provider call of a job is checked against what was really spent, so a job
/// accepted under other terms (before a restart with a lower cap, or priced as a free mock
/// before its provider got a key) fails without calling the provider.
struct SpendBudget: Sendable {
    let database: Database
    let keys: APIKeyRepository
    /// The server's cap per UTC day, all keys together; nil: none.
    let serverDailyUSD: Double?

    /// At submission, in the new job's transaction (before its estimate is written):
    /// throws `BudgetExceeded` when `estimateUSD` does not fit. Free work always fits.
    func admit(_ db: any SQLConnection, owner: String?, limits: APIKeyLimits?, estimateUSD: Double, now: Double) throws {
        guard estimateUSD > 0 else { return }
        let today = SpendLedger.dayStart(now)
        func committed(_ scope: SpendLedger.Scope, since: Double) throws -> Double {
            try SpendLedger.charged(db, scope, since: since) + SpendLedger.held(db, scope, since: since)
        }
        if let owner, let limits {
            if let total = limits.budgetUSD {
                try Self.require(.key, limit: total, spent: committed(.key(owner), since: 0), cost: estimateUSD, atCall: false)
            }
            if let daily = limits.dailyBudgetUSD {
                try Self.require(.keyDaily, limit: daily, spent: committed(.key(owner), since: today), cost: estimateUSD, atCall: false)
            }
        }
        if let serverDailyUSD {
            // Every key's submissions count against it: on PostgreSQL, where each key has a
            // lock of its own, two keys' last requests must not both take the last dollar.
            try db.serialize(on: "server spend")
            try Self.require(.serverDaily, limit: serverDailyUSD, spent: committed(.server, since: today), cost: estimateUSD, atCall: false)
        }
    }

    /// Before a provider call of `job` that costs `usd` (0 for a mock): throws
    /// `BudgetExceeded` when the spend charged so far plus the call would cross a budget.
    func allowCall(job: String, usd: Double, now: Double = Date().timeIntervalSince1970) throws {
        guard usd > 0 else { return }
        let today = SpendLedger.dayStart(now)
        let owner = try database.read { db in
            try db.fetchValue(String.self, "SELECT owner_key_id FROM jobs WHERE id = ?", [job])
        }
        let limits = try owner.flatMap { try keys.find(id: $0) }?.limits
        try database.read { db in
            if let owner, let limits {
                if let total = limits.budgetUSD {
                    try Self.require(.key, limit: total, spent: SpendLedger.charged(db, .key(owner), since: 0), cost: usd, atCall: true)
                }
                if let daily = limits.dailyBudgetUSD {
                    try Self.require(
                        .keyDaily, limit: daily, spent: SpendLedger.charged(db, .key(owner), since: today), cost: usd, atCall: true)
                }
            }
            if let serverDailyUSD {
                try Self.require(
                    .serverDaily, limit: serverDailyUSD, spent: SpendLedger.charged(db, .server, since: today), cost: usd, atCall: true)
            }
        }
    }

    /// Compared to a hundredth of a cent, as costs are kept, so sums of prices do not miss by a rounding error.
    private static func require(_ budget: BudgetExceeded.Budget, limit: Double, spent: Double, cost: Double, atCall: Bool) throws {
        let spent = CostRepository.cents(spent)
        guard CostRepository.cents(spent + cost) > CostRepository.cents(limit) else { return }
        throw BudgetExceeded(budget: budget, limitUSD: limit, spentUSD: spent, estimateUSD: CostRepository.cents(cost), atProviderCall: atCall)
    }
}
