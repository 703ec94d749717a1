/// One row a statement returned, read by column name the same way from either engine.
public struct SQLRow: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The column's value; nil when the row has no such column.
    public func value(_ column: String) -> SQLValue? {
        columns.firstIndex(of: column).map { values[$0] }
    }

    /// The column read as `T`. The schema fixes every column's type, so a mismatch is a
    /// programming error, reported with the column's name (as GRDB's `row["name"]` did).
    public subscript<T: SQLReadable>(_ column: String) -> T {
        guard let value = value(column) else { preconditionFailure("no column \(column) in the row (\(columns))") }
        guard let read = T.read(value) else { preconditionFailure("column \(column) holds \(value), not \(T.self)") }
        return read
    }

    /// The first column read as `T` (a `SELECT COUNT(*)` or `SELECT path`).
    public func first<T: SQLReadable>(as type: T.Type = T.self) -> T? {
        values.first.flatMap(T.read)
    }
}
