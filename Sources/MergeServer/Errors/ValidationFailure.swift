import Media

/// A request that is wrong, with every field problem named by its path
/// (`clips[2].out`, `budget_usd`). Validation code throws it; the HTTP edge makes it a
/// 422 `validation_error` and the job edge a failed job of the same type.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    public var problems: [FieldProblem]
    /// A sentence that replaces the generated summary.
    public var detail: String?

    public init(_ problems: [FieldProblem], detail: String? = nil) {
        self.problems = problems
        self.detail = detail
    }

    public init(field: String, _ message: String) {
        self.init([FieldProblem(field, message)])
    }

    /// "the request has 2 problems: clips[0].source: is missing; fps: must be …".
    public var description: String {
        if let detail { return detail }
        let summary = problems.count == 1 ? "the request has a problem" : "the request has \(problems.count) problems"
        return "\(summary): " + problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
    }
}
