import Foundation
import Generation
import Media

/// Field checks shared by the requests.
enum GenerationFields {
    static let maxPromptCharacters = 4000
    static let maxScenes = ScenePlanRequest.sceneLimit.upperBound

    static func text(_ value: String, field: String, required: Bool = true) -> [FieldProblem] {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && trimmed.isEmpty { return [FieldProblem(field, "must not be empty")] }
        if value.count > maxPromptCharacters { return [FieldProblem(field, "must be at most \(maxPromptCharacters) characters")] }
        return []
    }

    /// A budget beyond this is not a budget; it also keeps the estimate's arithmetic in range.
    static let maxBudgetUSD = 100_000.0
    /// Providers take 32-bit seeds.
    static let seedRange = 0...4_294_967_295

    static func budget(_ value: Double?) -> [FieldProblem] {
        guard let value else { return [] }
        return (0...maxBudgetUSD).contains(value)
            ? [] : [FieldProblem("budget_usd", "must be 0…\(Int(maxBudgetUSD)) dollars (got \(value))")]
    }

    static func seed(_ value: Int?) -> [FieldProblem] {
        guard let value, !seedRange.contains(value) else { return [] }
        return [FieldProblem("seed", "must be \(seedRange.lowerBound)…\(seedRange.upperBound) (got \(value))")]
    }

    static func sceneCount(_ value: Int?) -> [FieldProblem] {
        guard let value else { return [] }
        return (1...maxScenes).contains(value) ? [] : [FieldProblem("num_scenes", "must be 1…\(maxScenes) (got \(value))")]
    }

    /// An image reference is an asset id or an http(s) URL.
    static func isURL(_ value: String) -> Bool {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), url.host?.isEmpty == false else { return false }
        return scheme == "http" || scheme == "https"
    }

    static func budgetProblem(estimate: Double, budget: Double?) -> [FieldProblem] {
        guard let budget, estimate > budget + 1e-9 else { return [] }
        return [
            FieldProblem(
                "budget_usd",
                "the work is estimated at $\(String(format: "%.4f", estimate)), over the budget of $\(String(format: "%.4f", budget)); raise budget_usd or choose a cheaper model"
            )
        ]
    }
}
