/// One connection of either engine, inside a read or a write transaction: every
/// repository's SQL goes through this, written once for both engines.
public protocol SQLConnection {
    var dialect: SQLDialect { get }

    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int

    /// Every row the statement returns.
    func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow]

    /// Calls `body` with each row in turn, without holding all of them (SQLite streams them).
    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws

    /// Sends `payload` on `channel` when the transaction commits (nothing if it rolls back):
    /// PostgreSQL's NOTIFY, sent just after the commit; the process's own listeners for SQLite.
    func notify(_ channel: String, payload: String) throws

    /// A notification that only wakes listeners (a job of this kind is queued): any two of
    /// one channel and payload mean the same, so PostgreSQL sends those of commits close
    /// together as one, off the committing caller's path. SQLite: `notify`.
    func wake(_ channel: String, payload: String) throws

    /// Holds a lock named `name` until the transaction ends: writes that must see each
    /// other's results (one key's budget, the files rows share) run one at a time under
    /// PostgreSQL as they do under SQLite's single writer.
    func serialize(on name: String) throws

    /// Holds `name` shared until the transaction ends: any number of shared holders run
    /// at once, and none beside a `serialize(on: name)` (a key's plain submissions go
    /// side by side; deleting one of its assets waits for them all).
    func serializeShared(on name: String) throws

    /// Runs a write whose answer nobody reads. PostgreSQL sends it without waiting: its
    /// failure aborts the transaction and is thrown by the next statement waited for, or
    /// at commit — the transaction fails either way, as it would at once.
    func send(_ sql: String, _ arguments: SQLArguments) throws
}

extension SQLConnection {
    @discardableResult
    public func execute(_ sql: String) throws -> Int { try execute(sql, []) }

    public func fetchAll(_ sql: String) throws -> [SQLRow] { try fetchAll(sql, []) }

    public func forEachRow(_ sql: String, _ body: (SQLRow) throws -> Void) throws { try forEachRow(sql, [], body) }

    public func fetchOne(_ sql: String, _ arguments: SQLArguments = []) throws -> SQLRow? {
        try fetchAll(sql, arguments).first
    }

    /// The first column of the first row, as `T`; nil without a row or for a null.
    public func fetchValue<T: SQLReadable>(_ type: T.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> T? {
        try fetchOne(sql, arguments)?.first(as: T.self)
    }

    /// The first column of every row.
    public func fetchValues<T: SQLReadable>(_ type: T.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> [T] {
        try fetchAll(sql, arguments).compactMap { $0.first(as: T.self) }
    }

    func fetchRecord<Record: Decodable>(_ type: Record.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> Record? {
        try fetchOne(sql, arguments).map { try SQLRecordDecoder.decode(Record.self, from: $0) }
    }

    func fetchRecords<Record: Decodable>(_ type: Record.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> [Record] {
        try fetchAll(sql, arguments).map { try SQLRecordDecoder.decode(Record.self, from: $0) }
    }

    /// Inserts a record's columns into `table` (`upsertKey`: replaces the row with the same key).
    func insert<Record: Encodable>(_ record: Record, into table: String, upsertKey: [String]? = nil) throws {
        let columns = try SQLRecordEncoder.columns(of: record)
        var sql = "INSERT INTO \(table) (\(columns.map(\.column).joined(separator: ", "))) VALUES ("
        sql += Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        if let upsertKey {
            let updates = columns.map(\.column).filter { !upsertKey.contains($0) }.map { "\($0) = excluded.\($0)" }
            sql += " ON CONFLICT (\(upsertKey.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))"
        }
        try send(sql, SQLArguments(columns.map(\.value)))
    }
}

/// The store answered something its own writes make impossible (a row just inserted is missing).
struct StoreInconsistency: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
