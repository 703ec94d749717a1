import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// A fixed number of PostgreSQL connections, opened on first need and reused. A caller
/// holds one for a whole transaction; when all are taken it waits for one to be given
/// back. A connection that broke is dropped, and the next caller opens a new one.
final class PostgresConnectionPool: Sendable {
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    private let configuration: PostgresConnection.Configuration
    private let idle = Mutex<[PostgresConnection]>([])
    private let permits: DispatchSemaphore
    private let nextID = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)

    init(configuration: PostgresConnection.Configuration, maxConnections: Int, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        permits = DispatchSemaphore(value: max(1, maxConnections))
        // Event loops of its own: a caller blocked on an answer never holds the loop that
        // brings it. One per core: a single loop was the busiest thread of a queue under
        // load (every statement's socket reads and writes pass through it).
        group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
    }

    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        guard !closed.load(ordering: .relaxed) else { throw PostgresStoreError(PoolClosed(), doing: "a query after shutdown") }
        permits.wait()
        defer { permits.signal() }
        let connection = try idle.withLock { $0.popLast() } ?? open()
        defer {
            if connection.isClosed || closed.load(ordering: .relaxed) {
                if !connection.isClosed {
                    let closing: EventLoopFuture<Void> = connection.close()
                    closing.whenComplete { _ in withExtendedLifetime(connection) {} }
                }
            } else {
                idle.withLock { $0.append(connection) }
            }
        }
        return try body(connection)
    }

    private func open() throws -> PostgresConnection {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        do {
            return try PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger).wait()
        } catch {
            throw PostgresStoreError(error, doing: "connecting")
        }
    }

    /// Closes the idle connections and the event loop without waiting (it may be called
    /// from anywhere, a deinit included); connections in use close as they are given back.
    func close() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        let connections = idle.withLock { list in
            defer { list = [] }
            return list
        }
        let closing = connections.map { connection -> EventLoopFuture<Void> in connection.close() }
        let group = group
        // A connection must be closed before it is freed: the closure keeps them until then.
        EventLoopFuture.andAllComplete(closing, on: group.next()).whenComplete { _ in
            withExtendedLifetime(connections) {}
            group.shutdownGracefully(queue: .global()) { _ in }
        }
    }

    private struct PoolClosed: Error, CustomStringConvertible {
        var description: String { "the store is closed" }
    }
}
