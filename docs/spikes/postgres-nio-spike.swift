// A throwaway spike for issue 15 (PostgreSQL as store and queue): postgres-nio 1.33.2's
// PostgresClient (a pool) against a cluster from scripts/postgres.sh. Documentation for the
// next engineer: not part of the package, not compiled by `swift build`.
// It was the main.swift of a package outside the repo:
//   Package.swift: .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2")
//                  .executableTarget(name: "pgspike", dependencies: [.product(name: "PostgresNIO", package: "postgres-nio")])
//   PGSPIKE_URL=$(scripts/postgres.sh start /tmp/pg) swift run pgspike
// Ran green here (Swift 6.3.1, PostgreSQL 15.18): a transaction and its rollback, binds, a
// prepared claim with FOR UPDATE SKIP LOCKED by two pooled connections at once, and
// LISTEN/NOTIFY delivered after COMMIT (5 ms from COMMIT sent to the payload in hand).
// The first build of postgres-nio and its dependencies (swift-nio, swift-nio-ssl with
// BoringSSL, swift-crypto, …) took 15 min wall, 7 min 40 s CPU, on the 2 shared cores.
//
// Pitfalls met:
// - PostgresClient does nothing until `run()` runs in a task; cancel that task to close it.
// - `PostgresRowSequence.collect()` is for raw rows; a `.decode(T.self)` sequence has no
//   collect(): iterate it (`all` below).
// - `listen(_:)` is deprecated: `conn.listen(on:consume:)` LISTENs before calling consume,
//   UNLISTENs when it returns, and holds its pooled connection the whole time (count it in
//   maximumConnections). A PostgresNotification carries `payload` only (no channel, no pid).
// - NOTIFY inside a transaction reaches listeners at COMMIT and never on ROLLBACK: notify in
//   the same transaction as the write, and the wake-up cannot outrun the row.
// - A rolled-back insert still uses up its bigserial id (ids here start at 2).
import Foundation
import Logging
import PostgresNIO

// A claim: the prepared form of the queue's claim query, binds typed by the compiler.
struct ClaimJobs: PostgresPreparedStatement {
    static let sql = """
        UPDATE spike_jobs SET state = 'running', worker = $1, attempt = attempt + 1, claimed_at = now()
        WHERE id IN (SELECT id FROM spike_jobs WHERE state = 'queued' AND kind = $2
                     ORDER BY priority, created_at FOR UPDATE SKIP LOCKED LIMIT $3)
        RETURNING id, attempt
        """
    typealias Row = (Int64, Int32)
    var worker: String
    var kind: String
    var limit: Int32
    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings()
        b.append(worker)
        b.append(kind)
        b.append(limit)
        return b
    }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

func check(_ ok: Bool, _ what: String) {
    if ok { print("ok: \(what)") } else { print("FAILED: \(what)"); exit(1) }
}

let env = ProcessInfo.processInfo.environment
guard let urlString = env["PGSPIKE_URL"] ?? CommandLine.arguments.dropFirst().first,
    let url = URLComponents(string: urlString), let host = url.host, let user = url.user
else {
    print("usage: PGSPIKE_URL=postgres://user:password@127.0.0.1:port/db pgspike")
    exit(2)
}
let logger = {
    var logger = Logger(label: "pgspike")
    logger.logLevel = .warning
    return logger
}()

// All of an async sequence's elements (rows decoded to a tuple or a type).
func all<S: AsyncSequence>(_ sequence: S) async throws -> [S.Element] {
    var out: [S.Element] = []
    for try await element in sequence { out.append(element) }
    return out
}
let config = PostgresClient.Configuration(
    host: host, port: url.port ?? 5432, username: user, password: url.password,
    database: String(url.path.dropFirst()), tls: .disable)
let client = PostgresClient(configuration: config, backgroundLogger: logger)

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { await client.run() }  // the pool lives while run() does

    // 1. Schema, in a transaction (withTransaction: BEGIN, the closure, COMMIT; ROLLBACK on throw).
    try await client.withTransaction(logger: logger) { conn in
        try await conn.query("DROP TABLE IF EXISTS spike_jobs", logger: logger)
        try await conn.query(
            """
            CREATE TABLE spike_jobs (
              id bigserial PRIMARY KEY, kind text NOT NULL, priority int NOT NULL DEFAULT 0,
              state text NOT NULL DEFAULT 'queued', worker text, attempt int NOT NULL DEFAULT 0,
              created_at timestamptz NOT NULL DEFAULT clock_timestamp(), claimed_at timestamptz)
            """, logger: logger)
    }
    // A failing transaction rolls back: the insert is gone.
    struct Boom: Error {}
    do {
        try await client.withTransaction(logger: logger) { conn in
            try await conn.query("INSERT INTO spike_jobs (kind) VALUES ('render')", logger: logger)
            throw Boom()
        }
    } catch is PostgresTransactionError {}
    var n = try await all(client.query("SELECT count(*) FROM spike_jobs", logger: logger).decode(Int64.self))
    check(n == [0], "withTransaction rolled back on throw")

    // 2. Binds: interpolation in a PostgresQuery is a bind ($1…), not text.
    let evil = "render'); DROP TABLE spike_jobs; --"
    for i in 0..<10 {
        let kind = i % 2 == 0 ? "render" : "generate"
        try await client.query("INSERT INTO spike_jobs (kind, priority) VALUES (\(kind), \(Int32(i % 3)))", logger: logger)
    }
    try await client.query("INSERT INTO spike_jobs (kind) VALUES (\(evil))", logger: logger)
    n = try await all(client.query("SELECT count(*) FROM spike_jobs WHERE kind = \(evil)", logger: logger).decode(Int64.self))
    check(n == [1], "an interpolated value is a bind")

    // 3. SKIP LOCKED: two claims at once on two pooled connections never share a job.
    async let a = client.withTransaction(logger: logger) { conn in
        let rows = try await conn.execute(ClaimJobs(worker: "w1", kind: "render", limit: 3), logger: logger)
        var ids: [Int64] = []
        for try await (id, _) in rows { ids.append(id) }
        try await Task.sleep(for: .milliseconds(300))  // hold the row locks while the other claims
        return ids
    }
    async let b = client.withTransaction(logger: logger) { conn in
        try await Task.sleep(for: .milliseconds(100))
        let rows = try await conn.execute(ClaimJobs(worker: "w2", kind: "render", limit: 3), logger: logger)
        var ids: [Int64] = []
        for try await (id, _) in rows { ids.append(id) }
        return ids
    }
    let (idsA, idsB) = try await (a, b)
    print("claimed: w1 \(idsA), w2 \(idsB)")
    check(idsA.count == 3 && idsB.count == 2 && Set(idsA).isDisjoint(with: idsB), "SKIP LOCKED claims are disjoint (3 + 2 of 5 render jobs)")
    // The pool's prepared statement on the client (no connection in hand).
    let none = try await client.execute(ClaimJobs(worker: "w3", kind: "render", limit: 10), logger: logger)
    var left = 0
    for try await _ in none { left += 1 }
    check(left == 0, "no render job left to claim")

    // 4. LISTEN/NOTIFY: a listener on its own pooled connection; NOTIFY inside a
    // transaction arrives only after COMMIT.
    let (stream, cont) = AsyncStream<String>.makeStream()
    let ready = AsyncStream<Void>.makeStream()
    group.addTask {
        try await client.withConnection { conn in
            try await conn.listen(on: "spike_jobs") { notifications in
                ready.continuation.yield()
                for try await note in notifications {
                    cont.yield(note.payload)
                    if note.payload == "stop" { break }
                }
            }
        }
        cont.finish()
    }
    var readyIt = ready.stream.makeAsyncIterator()
    _ = await readyIt.next()
    let received = Task {
        var got: [(String, ContinuousClock.Instant)] = []
        for await p in stream { got.append((p, .now)) }
        return got
    }
    var committedAt = ContinuousClock.now
    try await client.withTransaction(logger: logger) { conn in
        try await conn.query("INSERT INTO spike_jobs (kind) VALUES ('render')", logger: logger)
        try await conn.query("SELECT pg_notify('spike_jobs', \("job:" + "11"))", logger: logger)
        try await Task.sleep(for: .milliseconds(500))  // still uncommitted: nothing delivered yet
        committedAt = .now
    }
    try await client.query("NOTIFY spike_jobs, 'stop'", logger: logger)
    let got = await received.value
    print("notifications: \(got.map { $0.0 })")
    check(got.map { $0.0 } == ["job:11", "stop"], "both notifications arrived, in order")
    check(got[0].1 >= committedAt, "the notification sent in the transaction arrived after its COMMIT")
    print("pickup after commit: \(committedAt.duration(to: got[0].1))")

    group.cancelAll()  // ends client.run(): the pool closes its connections
}
print("spike: all ok")
