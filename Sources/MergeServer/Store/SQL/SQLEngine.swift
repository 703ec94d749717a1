/// What the store needs of a database engine: reads, write transactions, and
/// notifications sent at commit. `SQLiteEngine` (embedded, one process) and
/// `PostgresEngine` (shared by an API tier and its workers) implement it.
protocol SQLEngine: Sendable {
    var dialect: SQLDialect { get }

    /// True when other processes write the same database (PostgreSQL): what this process
    /// caches of rows it did not write may be stale.
    var isShared: Bool { get }

    /// Runs `body` on the calling thread with a connection for reads.
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T

    /// Runs `body` in one write transaction, committed when it returns and rolled back
    /// when it throws.
    @discardableResult
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T

    /// `write` on the calling thread (for the few writes made where no task can wait).
    @discardableResult
    func writeNow<T>(_ body: (any SQLConnection) throws -> T) throws -> T

    /// Calls `handler` with the payload of every notification on `channel` committed from
    /// now on, by this process or (PostgreSQL) any other, until the result is stopped.
    func listen(_ channel: String, _ handler: @escaping @Sendable (String) -> Void) async throws -> any SQLListening

    func close()
}

/// A listener `SQLEngine.listen` started.
protocol SQLListening: Sendable {
    func stop()
}
