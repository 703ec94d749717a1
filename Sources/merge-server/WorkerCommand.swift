import ArgumentParser
import Foundation
import Logging
import MergeServer
import ServiceLifecycle

/// `merge-server worker`: runs jobs from a shared store without serving HTTP, beside an
/// API node (`serve --workers 0`) and other workers. SIGTERM/SIGINT stop it gracefully:
/// its running jobs go back to the queue for another worker.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run jobs from the store without serving HTTP.",
        discussion: "Give it the API node's --database (PostgreSQL) and a data directory the nodes share. "
            + "Environment: as for serve; flags override it.")

    @Option(name: .customLong("data-dir"), help: "Data directory (uploads and videos), shared with the API node.") var dataDirectory: String?
    @Option(help: "postgres://user:password@host:5432/database (the API node's).") var database: String?
    @Option(help: "Which jobs to run: render, generate, or both (render,generate).") var kinds = "render,generate"
    @Option(help: "Jobs run at once (default: the core count).") var concurrency: Int?
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        var configuration = ServerConfiguration()
        do {
            try configuration.apply(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandFailure(message: error.description, exitCode: 64)
        }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        if let database { configuration.database = database }
        try storage.apply(to: &configuration)
        let wanted = Set(kinds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        guard !wanted.isEmpty, wanted.isSubset(of: ["render", "generate"]) else {
            throw CommandFailure(message: "--kinds takes render, generate or render,generate (got \(kinds))", exitCode: 64)
        }
        let workers = concurrency ?? configuration.engine.workers
        guard (1...256).contains(workers) else { throw CommandFailure(message: "--concurrency must be 1…256", exitCode: 64) }
        configuration.engine.workers = workers
        configuration.engine.runsRenderJobs = wanted.contains("render")
        configuration.engine.runsGenerationJobs = wanted.contains("generate")
        // A worker of generations only: its --concurrency counts those jobs.
        if !configuration.engine.runsRenderJobs { configuration.engine.generationWorkers = workers }
        try await Self.work(configuration)
    }

    static func work(_ configuration: ServerConfiguration) async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        let logger = Logger(label: "merge-server.worker")
        configuration.limits.applyToMedia()
        do {
            let lock = try ServeCommand.lockUnlessShared(configuration)
            let dependencies = try await ServerDependencies.open(configuration, logger: logger)
            // One line on stdout that scripts (and the tests) wait for.
            FileHandle.standardOutput.write(Data("merge-server worker running \(dependencies.engine.workerCount) workers\n".utf8))
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: dependencies.services,
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            withExtendedLifetime(lock) {}
        } catch let error as ConfigurationError {
            throw CommandFailure(message: error.description, exitCode: 64)
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure(message: "the worker stopped: \(error)")
        }
    }
}
