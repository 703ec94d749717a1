import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// LISTEN on one channel over a connection of its own (a pooled connection cannot be
/// held by a listener). When the connection drops it is opened again a second later;
/// what was sent meanwhile is lost, which the listeners' own polls cover (the queue
/// polls every second, event streams every few).
final class PostgresListener: SQLListening {
    private let channel: String
    private let configuration: PostgresConnection.Configuration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let handler: @Sendable (String) -> Void
    private let state = Mutex<(connection: PostgresConnection?, stopped: Bool)>((nil, false))

    private init(
        channel: String, configuration: PostgresConnection.Configuration, group: any EventLoopGroup, logger: Logger,
        handler: @escaping @Sendable (String) -> Void
    ) {
        self.channel = channel
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.handler = handler
    }

    /// Listening once this returns; throws when the first connection fails.
    static func start(
        channel: String, configuration: PostgresConnection.Configuration, group: any EventLoopGroup, logger: Logger,
        _ handler: @escaping @Sendable (String) -> Void
    ) async throws -> PostgresListener {
        precondition(channel.allSatisfy { $0.isLetter || $0 == "_" }, "channel names are plain words")
        let listener = PostgresListener(channel: channel, configuration: configuration, group: group, logger: logger, handler: handler)
        try await listener.connect()
        return listener
    }

    private func connect() async throws {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(on: group.next(), configuration: configuration, id: 0, logger: logger).get()
            let handler = handler
            connection.addListener(channel: channel) { _, message in handler(message.payload) }
            _ = try await connection.query(PostgresQuery(unsafeSQL: "LISTEN \(channel)"), logger: logger).get()
        } catch {
            throw PostgresStoreError(error, doing: "LISTEN \(channel)")
        }
        let stopped = state.withLock { state in
            state.connection = connection
            return state.stopped
        }
        if stopped {
            try? await connection.close()
            return
        }
        connection.closeFuture.whenComplete { [weak self] _ in self?.reconnectSoon() }
    }

    private func reconnectSoon() {
        guard !state.withLock({ $0.stopped }) else { return }
        logger.warning("the LISTEN connection for \(channel) closed; opening it again")
        Task {
            while !state.withLock({ $0.stopped }) {
                try? await Task.sleep(for: .seconds(1))
                do {
                    try await connect()
                    return
                } catch {
                    logger.warning("LISTEN \(channel): \(error)")
                }
            }
        }
    }

    func stop() {
        let connection = state.withLock { state in
            state.stopped = true
            return state.connection
        }
        guard let connection else { return }
        // A connection must be closed before it is freed: the callback keeps it until then.
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }
}
