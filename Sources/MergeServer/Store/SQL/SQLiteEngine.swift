import Foundation
import GRDB

/// The embedded engine: one SQLite file in WAL mode, opened through GRDB.
///
/// WAL with `synchronous = NORMAL` makes every committed write survive a killed
/// process (the log is written before the commit returns); only a power loss can
/// take the last transactions back, which is the usual trade for an embedded queue.
final class SQLiteEngine: SQLEngine {
    let pool: DatabasePool
    let notifications = LocalNotifications()
    var dialect: SQLDialect { .sqlite }
    var isShared: Bool { false }

    init(path: String) throws {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        configuration.label = "merge-server"
        pool = try DatabasePool(path: path, configuration: configuration)
        try SQLiteMigrations.migrator.migrate(pool)
    }

    /// A short read on the calling thread. In WAL mode a reader never waits for the
    /// writer, and a point lookup takes microseconds: less than the two thread hops of
    /// GRDB's async read, which held the hottest route (GET /api/jobs/{id}) to a fifth of
    /// its throughput.
    ///
    /// No transaction is opened around it (`unsafeRead`): the reads here are single
    /// statements, which SQLite already runs on one snapshot, and BEGIN/COMMIT doubled
    /// their cost.
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try pool.unsafeRead { db in try body(Connection(db: db, pending: nil)) }
    }

    /// Writes wait for SQLite's one write lock, off the caller's thread.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        let pending = PendingNotifications()
        let value = try await pool.write { db in try body(Connection(db: db, pending: pending)) }
        notifications.deliver(pending.drain())
        return value
    }

    func writeNow<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        let pending = PendingNotifications()
        let value = try pool.write { db in try body(Connection(db: db, pending: pending)) }
        notifications.deliver(pending.drain())
        return value
    }

    func listen(_ channel: String, _ handler: @escaping @Sendable (String) -> Void) async throws -> any SQLListening {
        notifications.add(channel: channel, handler)
    }

    func close() {}

    private struct Connection: SQLConnection {
        let db: GRDB.Database
        let pending: PendingNotifications?
        var dialect: SQLDialect { .sqlite }

        @discardableResult
        func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
            try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
            return db.changesCount
        }

        func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
            var rows: [SQLRow] = []
            try forEachRow(sql, arguments) { rows.append($0) }
            return rows
        }

        func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: Self.arguments(arguments))
            while let row = try cursor.next() {
                try body(SQLRow(columns: Array(row.columnNames), values: row.databaseValues.map(Self.value)))
            }
        }

        func notify(_ channel: String, payload: String) throws {
            guard let pending else { preconditionFailure("notify needs a write transaction") }
            pending.add(channel: channel, payload: payload)
        }

        func wake(_ channel: String, payload: String) throws { try notify(channel, payload: payload) }

        /// SQLite's write transactions already run one at a time.
        func serialize(on name: String) throws {}
        func serializeShared(on name: String) throws {}
        func send(_ sql: String, _ arguments: SQLArguments) throws { _ = try execute(sql, arguments) }

        private static func arguments(_ arguments: SQLArguments) -> StatementArguments {
            StatementArguments(
                arguments.values.map { value -> DatabaseValue in
                    switch value {
                    case .null: .null
                    case .integer(let integer): integer.databaseValue
                    case .real(let real): real.databaseValue
                    case .text(let text): text.databaseValue
                    case .blob(let data): data.databaseValue
                    }
                })
        }

        private static func value(_ value: DatabaseValue) -> SQLValue {
            switch value.storage {
            case .null: .null(.text)
            case .int64(let integer): .integer(integer)
            case .double(let real): .real(real)
            case .string(let text): .text(text)
            case .blob(let data): .blob(data)
            }
        }
    }
}
