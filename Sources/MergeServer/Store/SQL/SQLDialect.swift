/// Where the two engines' SQL differs, spelled once. Everything else the repositories
/// write is common to SQLite 3.40 and PostgreSQL 15 (`?` marks are numbered for
/// PostgreSQL by its engine).
public enum SQLDialect: Sendable, Equatable {
    case sqlite, postgres

    /// The larger of two values (SQLite's two-argument MAX, PostgreSQL's GREATEST).
    func greatest(_ a: String, _ b: String) -> String {
        self == .sqlite ? "MAX(\(a), \(b))" : "GREATEST(\(a), \(b))"
    }

    /// The UTC day (YYYY-MM-DD) of a time in seconds since 1970.
    func utcDay(_ seconds: String) -> String {
        self == .sqlite ? "date(\(seconds), 'unixepoch')" : "to_char(to_timestamp(\(seconds)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    }

    /// The values of a group joined by `separator`.
    func joined(_ expression: String, separator: String) -> String {
        self == .sqlite ? "group_concat(\(expression), '\(separator)')" : "string_agg(\(expression), '\(separator)')"
    }

    /// `column`, with NULL read as '' — spelled as each engine's index on it is
    /// (`assets_by_owner_content`), so the index serves the lookup.
    func nullAsEmpty(_ column: String) -> String {
        self == .sqlite ? "IFNULL(\(column), '')" : "COALESCE(\(column), '')"
    }

    /// An index SQLite must be told to use (its planner picks a worse one); PostgreSQL plans by statistics.
    func indexedBy(_ index: String) -> String {
        self == .sqlite ? "INDEXED BY \(index)" : ""
    }

    /// A join SQLite must do in the order written (CROSS JOIN, which it never reorders);
    /// PostgreSQL's CROSS JOIN takes no ON, and its planner orders joins by statistics.
    var joinInOrder: String { self == .sqlite ? "CROSS JOIN" : "JOIN" }

    /// Locks the rows a SELECT read until the transaction ends. SQLite has one writer at a
    /// time, so its write transactions are serial already.
    var forUpdate: String { self == .sqlite ? "" : "FOR UPDATE" }

    /// Lets concurrent claims pass over each other's candidate rows instead of waiting.
    var forUpdateSkipLocked: String { self == .sqlite ? "" : "FOR UPDATE SKIP LOCKED" }
}
