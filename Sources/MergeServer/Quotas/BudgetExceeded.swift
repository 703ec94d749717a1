import Foundation

/// Generation that would cross a spend budget: refused before a job exists (402) or, when
/// a queued job's provider call would cross it, the job fails without the call.
public struct BudgetExceeded: Error, Sendable, Equatable {
    /// Which budget.
    public enum Budget: String, Sendable, Codable {
        /// The key's total (`budget_usd`).
        case key = "budget_usd"
        /// The key's per UTC day (`daily_budget_usd`).
        case keyDaily = "daily_budget_usd"
        /// The server's per UTC day, all keys together (`MERGE_SERVER_DAILY_BUDGET_USD`).
        case serverDaily = "server_daily_budget_usd"
    }

    public var budget: Budget
    public var limitUSD: Double
    /// Spent, and (at submission) held by the queued and running work already accepted.
    public var spentUSD: Double
    /// This request's estimate, or the price of the provider call about to be made.
    public var estimateUSD: Double
    /// True when a job's provider call was stopped, false for a refused request.
    public var atProviderCall: Bool

    public var remainingUSD: Double { max(0, CostRepository.cents(limitUSD - spentUSD)) }

    var budgetName: String {
        switch budget {
        case .key: "the API key's budget (budget_usd)"
        case .keyDaily: "the API key's daily budget (daily_budget_usd, per UTC day)"
        case .serverDaily: "the server's daily budget (MERGE_SERVER_DAILY_BUDGET_USD, per UTC day)"
        }
    }

    var description: String {
        let what = atProviderCall ? "the next provider call of this job costs" : "this generation is estimated at"
        let used = atProviderCall ? "spent" : "spent or held by accepted jobs"
        return "\(what) \(Self.usd(estimateUSD)), over \(budgetName): \(Self.usd(remainingUSD)) of \(Self.usd(limitUSD)) left "
            + "(\(Self.usd(spentUSD)) \(used)); no provider was called"
    }

    var suggestion: String {
        switch budget {
        case .key:
            "ask for less (a cheaper model, a shorter clip, fewer scenes) or for a key with a larger budget; GET /api/costs shows the spend"
        case .keyDaily, .serverDaily:
            "wait for the next UTC day, or ask for less (a cheaper model, a shorter clip, fewer scenes); GET /api/costs shows the spend"
        }
    }

    static func usd(_ value: Double) -> String { String(format: "$%.4f", value) }
}
