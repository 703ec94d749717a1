import Foundation
import TestSupport
import Testing

@testable import MergeServer

/// The engines the store suites run on: SQLite (the embedded default) and PostgreSQL
/// (a throwaway cluster of Debian's server, started by scripts/postgres.sh).
enum StoreEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A fresh, empty store of this engine: its own SQLite file under `directory`, or its
    /// own PostgreSQL database in the test cluster.
    func open(in directory: TemporaryDirectory) async throws -> Database {
        switch self {
        case .sqlite: try Database(path: directory.path + "/db.sqlite")
        case .postgres: try Database(url: try await TestPostgres.shared.freshDatabaseURL())
        }
    }

    /// What `--database` takes for a fresh store of this engine.
    func databaseURL(in directory: TemporaryDirectory) async throws -> String {
        switch self {
        case .sqlite: "sqlite:" + directory.path + "/db.sqlite"
        case .postgres: try await TestPostgres.shared.freshDatabaseURL()
        }
    }
}

/// The PostgreSQL cluster of a test run: the one scripts/run-tests.sh started
/// (`MERGE_SERVER_TEST_POSTGRES_URL`), or one started here under .build (and left running
/// for the next `swift test`; `scripts/postgres.sh stop .build/test-postgres` stops it).
actor TestPostgres {
    static let shared = TestPostgres()

    private var cluster: (url: String, admin: Database)?

    private func clusterURL() throws -> (url: String, admin: Database) {
        if let cluster { return cluster }
        var url = ProcessInfo.processInfo.environment["MERGE_SERVER_TEST_POSTGRES_URL"] ?? ""
        if url.isEmpty {
            let script = Paths.repositoryRoot.appendingPathComponent("scripts/postgres.sh").path
            let directory = Paths.repositoryRoot.appendingPathComponent(".build/test-postgres").path
            // The server outlives this call: it must not inherit the runner's descriptors
            // beyond 0–2, or waiting for the script never ends.
            let closingInherited = "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\"; done; exec \"$0\" start \"$1\""
            let started = try ProcessRunner.run("/bin/sh", ["-c", closingInherited, script, directory])
            guard started.status == 0 else { throw ClusterUnavailable(detail: started.stderr) }
            url = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let made = (url, try Database(url: url))
        cluster = made
        return made
    }

    /// A new empty database in the cluster, by URL.
    func freshDatabaseURL() throws -> String {
        let (url, admin) = try clusterURL()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try admin.read { db in try db.execute("CREATE DATABASE \(name)") }
        guard var components = URLComponents(string: url) else { throw ClusterUnavailable(detail: "bad URL \(url)") }
        components.path = "/" + name
        return components.string ?? url
    }

    struct ClusterUnavailable: Error, CustomStringConvertible {
        let detail: String
        var description: String { "the test PostgreSQL cluster did not start (scripts/postgres.sh): \(detail)" }
    }
}
