import Foundation
import PostgresNIO

/// Where the PostgreSQL store is: `postgres://user:password@host:port/database`
/// (`postgresql://` too), or a Unix socket with `?host=/run/postgresql`. No TLS: the
/// URL names a server on a trusted network (loopback, a private subnet).
struct PostgresLocation: Sendable {
    let configuration: PostgresConnection.Configuration
    /// The URL with its password masked, for logs and errors.
    let redacted: String

    static func isPostgres(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    init(url: String) throws(ConfigurationError) {
        guard Self.isPostgres(url), let components = URLComponents(string: url) else {
            throw ConfigurationError("--database \(url.prefix(200)): a PostgreSQL URL looks like postgres://user:password@host:5432/database")
        }
        guard let user = components.user, !user.isEmpty else {
            throw ConfigurationError("--database: the PostgreSQL URL needs a user (postgres://user:password@host/database)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw ConfigurationError("--database: the PostgreSQL URL needs a database name after the host (postgres://user@host/database)")
        }
        let password = components.password?.removingPercentEncoding ?? components.password
        let socketDirectory = components.queryItems?.first { $0.name == "host" }?.value
        if let socketDirectory, socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            configuration = PostgresConnection.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw ConfigurationError("--database: the PostgreSQL URL needs a host (postgres://user@127.0.0.1/database)")
            }
            if let port = components.port, !(1...65535).contains(port) {
                throw ConfigurationError("--database: port \(port) is not a TCP port")
            }
            configuration = PostgresConnection.Configuration(
                host: host, port: components.port ?? 5432, username: user, password: password, database: database, tls: .disable)
        }
        var masked = components
        if masked.password != nil { masked.password = "***" }
        redacted = masked.string ?? "postgres://…"
    }
}
