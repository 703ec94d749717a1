import ArgumentParser
import Foundation
import Logging
import MergeServer

/// `merge-server serve`: the HTTP API, the job workers and the retention sweeper.
/// SIGTERM/SIGINT stop it gracefully: running jobs go back to the queue.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API and the job workers.",
        discussion: "Environment: " + ServerConfiguration.environmentVariables.map { "\($0.name): \($0.meaning)" }.joined(separator: "; ")
            + ". Flags override the environment.")

    @Option(help: "Address to listen on.") var host: String?
    @Option(help: "Port (0 picks a free one).") var port: Int?
    @Option(name: .customLong("data-dir"), help: "Data directory (database, uploads, videos).") var dataDirectory: String?
    @Option(help: "sqlite:PATH (default sqlite:<data dir>/mergeserver.sqlite) or postgres://user:password@host:5432/database.") var database: String?
    @Option(help: "Jobs run at once (default: the core count; 0 only accepts jobs).") var workers: Int?
    @Option(
        name: .customLong("generation-workers"),
        help: "More workers only for jobs that wait on generation providers (default 8; 0 shares --workers).")
    var generationWorkers: Int?
    @Flag(name: .customLong("verbose-health"), help: "On a server without keys, /health also shows paths, disk bytes, providers and breakers.")
    var verboseHealth = false
    @Flag(
        name: .customLong("insecure-no-auth"),
        help: "Listen on a non-loopback address although no API key exists: anyone who reaches it may use the API.")
    var insecureNoAuth = false
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        var configuration = ServerConfiguration()
        do {
            try configuration.apply(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandFailure(message: error.description, exitCode: 64)
        }
        if let host { configuration.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw CommandFailure(message: "--port must be 0…65535", exitCode: 64) }
            configuration.port = port
        }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        if let database { configuration.database = database }
        if let workers {
            guard (0...256).contains(workers) else { throw CommandFailure(message: "--workers must be 0…256", exitCode: 64) }
            configuration.engine.workers = workers
        }
        if let generationWorkers {
            guard (0...256).contains(generationWorkers) else {
                throw CommandFailure(message: "--generation-workers must be 0…256", exitCode: 64)
            }
            configuration.engine.generationWorkers = generationWorkers
        }
        if verboseHealth { configuration.limits.verboseHealth = true }
        if insecureNoAuth { configuration.insecureNoAuth = true }
        try storage.apply(to: &configuration)
        try await Self.serve(configuration)
    }

    /// Runs the server until SIGTERM or SIGINT stops it gracefully.
    static func serve(_ configuration: ServerConfiguration) async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        let logger = Logger(label: "merge-server")
        configuration.limits.applyToMedia()
        let lock = try lockUnlessShared(configuration)
        do {
            let dependencies = try await ServerDependencies.open(configuration, logger: logger)
            let app = MergeServerApp.buildApplication(dependencies, logger: logger) { address in
                // One line on stdout that scripts (and the live tests) read to find the port.
                FileHandle.standardOutput.write(Data("merge-server listening on \(address)\n".utf8))
            }
            try await app.runService()
        } catch let error as ConfigurationError {
            throw CommandFailure(message: error.description, exitCode: 64)
        } catch {
            throw CommandFailure(message: "the server stopped: \(error)")
        }
        withExtendedLifetime(lock) {}
    }
}

extension ServeCommand {
    /// The data directory belongs to this process alone on SQLite (the lock); on a shared
    /// store (PostgreSQL) the API node and its workers use it together.
    static func lockUnlessShared(_ configuration: ServerConfiguration) throws -> DataDirectoryLock? {
        guard !Database.isShared(url: configuration.databaseURL) else { return nil }
        do {
            return try DataDirectoryLock(directory: configuration.dataDirectory)
        } catch {
            throw CommandFailure(message: error.description)
        }
    }
}
