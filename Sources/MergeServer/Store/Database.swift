import Foundation
import Logging

/// The service's store: SQLite in the data directory (the embedded default), or a
/// PostgreSQL database shared by an API tier and its workers (`--database postgres://…`).
/// Every repository speaks to it through `SQLConnection`, in SQL both engines run.
public final class Database: Sendable {
    let engine: any SQLEngine
    /// The SQLite file, or the PostgreSQL URL with its password masked.
    public let path: String
    /// Recently read jobs (see `RecordCache` for why it stays true); none on a shared
    /// engine, where other processes write the rows too.
    let jobCache: RecordCache<JobRecord>?
    /// New jobs arriving together are inserted together (see `EnqueueGroupCommit`).
    let enqueues = EnqueueGroupCommit()

    /// Opens (creating when missing) the SQLite database at `path` and brings its schema up to date.
    public convenience init(path: String) throws {
        try self.init(engine: SQLiteEngine(path: path), path: path)
    }

    /// Opens what `--database` names: `sqlite:PATH` (or a bare path) or `postgres://…`,
    /// and brings its schema up to date.
    public convenience init(url: String, logger: Logger = Logger(label: "merge-server.store")) throws {
        if PostgresLocation.isPostgres(url) {
            let location = try PostgresLocation(url: url)
            try self.init(engine: PostgresEngine(location: location, logger: logger), path: location.redacted)
        } else {
            let path = try Self.sqlitePath(from: url)
            let directory = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
            try self.init(path: path)
        }
    }

    init(engine: any SQLEngine, path: String) {
        self.engine = engine
        self.path = path
        jobCache = engine.isShared ? nil : RecordCache<JobRecord>()
    }

    /// True for PostgreSQL: other processes (workers, API nodes) share the database.
    public var isShared: Bool { engine.isShared }

    var dialect: SQLDialect { engine.dialect }

    /// True for a `--database` value naming PostgreSQL: a store several processes share.
    public static func isShared(url: String) -> Bool { PostgresLocation.isPostgres(url) }

    /// Parses `sqlite:PATH` (the form of `--database`); a bare path is accepted too.
    public static func sqlitePath(from url: String) throws(ConfigurationError) -> String {
        let path = url.hasPrefix("sqlite:") ? String(url.dropFirst("sqlite:".count)) : url
        guard !path.isEmpty else { throw ConfigurationError("--database sqlite:PATH needs a path") }
        return path
    }

    /// True when a trivial query answers.
    public func isReachable() -> Bool {
        (try? read { db in try db.fetchValue(Int.self, "SELECT 1") }) == 1
    }

    /// A read on the calling thread (see the engines for why).
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try engine.read(body)
    }

    /// One write transaction.
    @discardableResult
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await engine.write(body)
    }

    /// One write transaction on the calling thread.
    @discardableResult
    func writeNow<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try engine.writeNow(body)
    }

    /// Notifications on `channel` committed from now on (see `SQLEngine.listen`).
    func listen(_ channel: String, _ handler: @escaping @Sendable (String) -> Void) async throws -> any SQLListening {
        try await engine.listen(channel, handler)
    }

    /// Closes the engine's connections (PostgreSQL); the database is unusable afterwards.
    public func close() { engine.close() }

    deinit { engine.close() }
}
