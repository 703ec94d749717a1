import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The shared engine: PostgreSQL through postgres-nio, for an API tier and workers on
/// several machines. The repositories' transactions are synchronous code (the same code
/// runs on GRDB), so a transaction holds one pooled connection and waits for each
/// statement's answer on its own thread; writes run on threads of their own, never on
/// the caller's task.
final class PostgresEngine: SQLEngine {
    let pool: PostgresConnectionPool
    let location: PostgresLocation
    private let wakeups: CoalescedWakeups
    var dialect: SQLDialect { .postgres }
    var isShared: Bool { true }

    init(location: PostgresLocation, maxConnections: Int = 16, logger: Logger) throws {
        self.location = location
        pool = PostgresConnectionPool(configuration: location.configuration, maxConnections: maxConnections, logger: logger)
        wakeups = CoalescedWakeups(pool: pool)
        do {
            try pool.withConnection { connection in try PostgresMigrations.migrate(connection, logger: logger) }
        } catch {
            pool.close()
            throw PostgresStoreError(error, doing: "opening \(location.redacted)")
        }
    }

    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try pool.withConnection { connection in try body(Connection(connection: connection, logger: pool.logger)) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.writeNow(body) })
            }
        }
    }

    func writeNow<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try pool.withConnection { connection in
            let notifications = NotificationsAfterCommit(wakeups: wakeups)
            let transaction = Connection(
                connection: connection, logger: pool.logger, unanswered: UnansweredStatements(), afterCommit: notifications)
            try transaction.send("BEGIN", [])
            do {
                let value = try body(transaction)
                try transaction.execute("COMMIT")
                // A transaction a statement sent without waiting broke ends in a ROLLBACK
                // that COMMIT reports without an error: its own error says what happened.
                try transaction.unanswered?.check()
                notifications.send(on: Connection(connection: connection, logger: pool.logger))
                return value
            } catch {
                // A broken connection is dropped by the pool; a live one must not keep the transaction.
                _ = try? transaction.execute("ROLLBACK")
                throw error
            }
        }
    }

    func listen(_ channel: String, _ handler: @escaping @Sendable (String) -> Void) async throws -> any SQLListening {
        try await PostgresListener.start(channel: channel, configuration: location.configuration, group: pool.group, logger: pool.logger, handler)
    }

    func close() { pool.close() }

    struct Connection: SQLConnection {
        let connection: PostgresConnection
        let logger: Logger
        /// In a write transaction: the statements sent without waiting for their answer.
        var unanswered: UnansweredStatements? = nil
        /// In a write transaction: the notifications to send once it has committed.
        var afterCommit: NotificationsAfterCommit? = nil
        var dialect: SQLDialect { .postgres }

        /// Sends a statement whose answer nobody reads (BEGIN, a lock, a NOTIFY) without
        /// waiting for it: the server runs a connection's statements in order, so the next
        /// one waited for comes after it, and this thread sleeps once instead of twice.
        /// Outside a write transaction it is simply run.
        func send(_ sql: String, _ arguments: SQLArguments) throws {
            guard let unanswered else {
                _ = try execute(sql, arguments)
                return
            }
            let query = PostgresQuery(unsafeSQL: Self.numbered(sql, arguments), binds: Self.bindings(arguments))
            unanswered.add(connection.query(query, logger: logger), sql: sql)
        }

        @discardableResult
        func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
            let result = try run(sql, arguments)
            return result.metadata.rows ?? 0
        }

        func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
            try run(sql, arguments).rows.map(Self.row)
        }

        func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
            for row in try fetchAll(sql, arguments) { try body(row) }
        }

        /// In a write transaction the notification waits for the commit (see
        /// `NotificationsAfterCommit`); outside one it is sent at once.
        func notify(_ channel: String, payload: String) throws {
            guard let afterCommit else {
                try send("SELECT pg_notify(?, ?)", [channel, payload])
                return
            }
            afterCommit.add(channel: channel, payload: payload)
        }

        func wake(_ channel: String, payload: String) throws {
            guard let afterCommit else {
                try notify(channel, payload: payload)
                return
            }
            afterCommit.add(channel: channel, payload: payload, wakeOnly: true)
        }

        func serialize(on name: String) throws {
            try send("SELECT pg_advisory_xact_lock(hashtext(?))", [name])
        }

        func serializeShared(on name: String) throws {
            try send("SELECT pg_advisory_xact_lock_shared(hashtext(?))", [name])
        }

        private func run(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
            let query = PostgresQuery(unsafeSQL: Self.numbered(sql, arguments), binds: Self.bindings(arguments))
            do {
                return try connection.query(query, logger: logger).wait()
            } catch {
                // After a failed statement sent earlier, this one only says the transaction is aborted.
                try unanswered?.check()
                throw PostgresStoreError(error, doing: sql)
            }
        }

        /// `?` marks numbered `$1, $2, …` (a `?` inside a quoted literal stays). A null is
        /// bound untyped by postgres-nio, and `$1 IS NULL` alone gives PostgreSQL no type to
        /// infer: its mark is cast to the type the null stands for.
        static func numbered(_ sql: String, _ arguments: SQLArguments) -> String {
            var out = ""
            out.reserveCapacity(sql.utf8.count + 16)
            var number = 0
            var quoted = false
            for character in sql {
                if character == "'" { quoted.toggle() }
                if character == "?" && !quoted {
                    number += 1
                    let value = number <= arguments.values.count ? arguments.values[number - 1] : nil
                    switch value {
                    case .null(.integer): out += "CAST($\(number) AS BIGINT)"
                    case .null(.real): out += "CAST($\(number) AS DOUBLE PRECISION)"
                    case .null(.text): out += "CAST($\(number) AS TEXT)"
                    case .null(.blob): out += "CAST($\(number) AS BYTEA)"
                    default: out += "$\(number)"
                    }
                } else {
                    out.append(character)
                }
            }
            return out
        }

        private static func bindings(_ arguments: SQLArguments) -> PostgresBindings {
            var bindings = PostgresBindings(capacity: arguments.values.count)
            for value in arguments.values {
                switch value {
                case .null: bindings.appendNull()
                case .integer(let integer): bindings.append(integer)
                case .real(let real): bindings.append(real)
                case .text(let text): bindings.append(text)
                case .blob(let data): bindings.append(ByteBuffer(bytes: data))
                }
            }
            return bindings
        }

        private static func row(_ row: PostgresRow) throws -> SQLRow {
            var columns: [String] = []
            var values: [SQLValue] = []
            for cell in row {
                columns.append(cell.columnName)
                values.append(try value(cell))
            }
            return SQLRow(columns: columns, values: values)
        }

        private static func value(_ cell: PostgresCell) throws -> SQLValue {
            guard cell.bytes != nil else { return .null(.text) }
            switch cell.dataType {
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .float4, .float8: return .real(try cell.decode(Double.self))
            case .numeric: return .real(NSDecimalNumber(decimal: try cell.decode(Decimal.self)).doubleValue)
            case .bytea: return .blob(Data(buffer: try cell.decode(ByteBuffer.self)))
            default: return .text(try cell.decode(String.self))
            }
        }
    }
}

/// A PostgreSQL failure with what the server said (postgres-nio's own description hides it).
struct PostgresStoreError: Error, CustomStringConvertible {
    let message: String
    /// The SQLSTATE code (23505: a unique key taken; 40001: a serialization failure).
    let sqlState: String?

    init(_ error: any Error, doing what: String) {
        if let known = error as? PostgresStoreError {
            self = known
            return
        }
        if let psql = error as? PSQLError {
            sqlState = psql.serverInfo?[.sqlState]
            let said = psql.serverInfo?[.message] ?? "\(psql.code)"
            let detail = psql.serverInfo?[.detail].map { " (\($0))" } ?? ""
            message = "PostgreSQL: \(said)\(detail), in \(what.prefix(300))"
        } else {
            sqlState = nil
            message = "PostgreSQL: \(error), in \(what.prefix(300))"
        }
    }

    var description: String { message }
}

/// The statements of a transaction sent without waiting for their answers, checked once
/// it is over (or when a later statement fails).
final class UnansweredStatements: Sendable {
    private let sent = Mutex<[(answer: EventLoopFuture<PostgresQueryResult>, sql: String)]>([])

    func add(_ answer: EventLoopFuture<PostgresQueryResult>, sql: String) {
        sent.withLock { $0.append((answer, sql)) }
    }

    /// Throws the first failure among them (they are all answered by the time a later
    /// statement's answer came back).
    func check() throws {
        for (answer, sql) in sent.withLock({ $0 }) {
            do {
                _ = try answer.wait()
            } catch {
                throw PostgresStoreError(error, doing: sql)
            }
        }
    }
}
