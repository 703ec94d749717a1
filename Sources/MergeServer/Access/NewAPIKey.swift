import Media

/// What a new key is asked to be, checked the same way for `merge-server keys create`
/// and `POST /api/keys`: every wrong field is named at once.
public struct NewAPIKey: Sendable, Equatable {
    public var name: String
    public var scopes: Set<APIKeyScope>
    public var limits: APIKeyLimits

    static let maxNameLength = 100

    /// `scopes` nil: `APIKeyScope.defaults`. `storageGB` is decimal gigabytes.
    public static func validated(
        name: String, scopes: [String]?, budgetUSD: Double? = nil, dailyBudgetUSD: Double? = nil, ratePerMinute: Int? = nil,
        maxConcurrent: Int? = nil, storageGB: Double? = nil
    ) throws(ValidationFailure) -> NewAPIKey {
        var problems: [FieldProblem] = []
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > maxNameLength || trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problems.append(FieldProblem("name", "must be 1–\(maxNameLength) characters, without control characters"))
        }
        var chosen = APIKeyScope.defaults
        if let scopes {
            chosen = []
            for (index, text) in scopes.enumerated() {
                if let scope = APIKeyScope(rawValue: text.lowercased()) {
                    chosen.insert(scope)
                } else {
                    problems.append(FieldProblem("scopes[\(index)]", ScopeListError(name: String(text.prefix(40))).description))
                }
            }
            if scopes.isEmpty { problems.append(FieldProblem("scopes", "must name at least one scope")) }
        }
        func positive(_ value: Double?, _ field: String, upTo maximum: Double) {
            if let value, !(value > 0 && value <= maximum) { problems.append(FieldProblem(field, "must be more than 0 and at most \(maximum)")) }
        }
        func positive(_ value: Int?, _ field: String, upTo maximum: Int) {
            if let value, !(1...maximum).contains(value) { problems.append(FieldProblem(field, "must be 1…\(maximum)")) }
        }
        positive(budgetUSD, "budget_usd", upTo: 1_000_000)
        positive(dailyBudgetUSD, "daily_budget_usd", upTo: 1_000_000)
        positive(ratePerMinute, "rate_per_minute", upTo: 1_000_000)
        positive(maxConcurrent, "max_concurrent", upTo: 10_000)
        positive(storageGB, "storage_gb", upTo: 1_000_000)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return NewAPIKey(
            name: trimmed, scopes: chosen,
            limits: APIKeyLimits(
                budgetUSD: budgetUSD, dailyBudgetUSD: dailyBudgetUSD, ratePerMinute: ratePerMinute, maxConcurrent: maxConcurrent,
                storageBytes: storageGB.map { Int64(($0 * 1e9).rounded()) }))
    }
}
