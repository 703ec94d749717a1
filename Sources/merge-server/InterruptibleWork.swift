import Logging
import Media
import MergeServer
import ServiceLifecycle

/// Runs a command's media work so that Ctrl-C (SIGINT) or SIGTERM cancels it cleanly:
/// the work is the one service of a group that swift-service-lifecycle cancels on
/// those signals; the cancel reaches the work's flag, the work stops and removes its
/// partial output, and the command exits with an error.
enum InterruptibleWork {
    static func run<T: Sendable>(
        _ name: String,
        _ work: @escaping @Sendable (CancellationFlag) throws(MediaError) -> T
    ) async throws -> T {
        let executor = MediaExecutor(name: "cli", width: 1)
        return try await run { () async throws(MediaError) in try await executor.run(name, work) }
    }

    /// Runs async media work (which runs on its own executors) the same way: a signal
    /// cancels the task, and the task's cancel reaches every part of the work.
    static func run<T: Sendable>(_ work: @escaping @Sendable () async throws(MediaError) -> T) async throws -> T {
        let outcome = Outcome<T>()
        let service = WorkService { outcome.value = try await work() }
        let quiet = Logger(label: "merge-server", factory: { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                cancellationSignals: [.sigint, .sigterm], logger: quiet))
        try await group.run()
        guard let value = outcome.value else { throw MediaError.cancelled() }
        return value
    }
}

/// One piece of work as a service.
private struct WorkService: Service {
    let body: @Sendable () async throws -> Void
    func run() async throws { try await body() }
}

/// The work's result, read after the group has ended.
/// Safety of `@unchecked Sendable`: written once by the service before the group ends,
/// read only after `group.run()` returns.
private final class Outcome<T: Sendable>: @unchecked Sendable {
    var value: T?
}
