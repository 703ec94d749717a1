import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Carries job events between the processes that share a PostgreSQL store, so a client
/// following `GET /api/jobs/{id}/events` on an API node sees a job that a worker on
/// another machine runs. Each process sends what its own hub publishes as a NOTIFY on
/// `job_events` and LISTENs for the others'; a process skips its own. A status too big
/// for a notification (PostgreSQL's limit is 8000 bytes) goes without its data, and the
/// receiver reads the job from the store instead. Progress is sent at most
/// `progressPerSecond` times a second per job; the final `done` is never dropped.
final class JobEventRelay: Service, Sendable {
    static let channel = "job_events"
    static let payloadLimit = 7900
    static let progressPerSecond = 4.0

    /// One event on the wire.
    struct Message: Codable, Sendable {
        var node: String
        var job: String
        var name: String
        /// Nil when the event was too big to carry: read the job instead.
        var data: String?
        var final: Bool
    }

    let node = UUID().uuidString
    private let database: Database
    private let jobs: JobRepository
    private let hub: JobEventHub
    private let logger: Logger
    private let outbox: AsyncStream<Message>
    private let outboxInput: AsyncStream<Message>.Continuation
    private let lastProgress = Mutex<[String: ContinuousClock.Instant]>([:])

    init(database: Database, jobs: JobRepository, hub: JobEventHub, logger: Logger) {
        self.database = database
        self.jobs = jobs
        self.hub = hub
        self.logger = logger
        // A store that stops answering must not grow memory without end: old progress goes first.
        (outbox, outboxInput) = AsyncStream<Message>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        hub.forward { [weak self] job, name, data, final in self?.send(job: job, name: name, data: data, final: final) }
    }

    /// Queues an event this process published for the other processes.
    func send(job: String, name: String, data: String, final: Bool) {
        if name == "progress" {
            let now = ContinuousClock.now
            let due = lastProgress.withLock { last -> Bool in
                if let previous = last[job], now - previous < .seconds(1 / Self.progressPerSecond) { return false }
                last[job] = now
                return true
            }
            guard due else { return }
        }
        if final { lastProgress.withLock { _ = $0.removeValue(forKey: job) } }
        let carried = data.utf8.count + job.utf8.count + 200 <= Self.payloadLimit ? data : nil
        outboxInput.yield(Message(node: node, job: job, name: name, data: carried, final: final))
    }

    /// Listens for the other processes' events and sends this one's, in order, until shutdown.
    func run() async throws {
        let listener = try await database.listen(Self.channel) { [weak self] payload in self?.receive(payload) }
        defer { listener.stop() }
        await cancelWhenGracefulShutdown {
            for await message in self.outbox {
                guard let payload = try? String(decoding: JSONEncoder().encode(message), as: UTF8.self) else { continue }
                do {
                    try await self.database.write { db in try db.notify(Self.channel, payload: payload) }
                } catch {
                    self.logger.warning("could not relay a job event", metadata: ["job_id": "\(message.job)", "error": "\(error)"])
                }
            }
        }
    }

    private func receive(_ payload: String) {
        guard let message = try? JSONDecoder().decode(Message.self, from: Data(payload.utf8)), message.node != node else { return }
        if let data = message.data {
            hub.publish(job: message.job, name: message.name, data: data, final: message.final, fromElsewhere: true)
            return
        }
        // Too big to carry: the job as the store has it now says the same.
        Task {
            guard let job = try? await jobs.find(message.job) else { return }
            hub.publish(
                job: message.job, name: message.name, data: JobEngine.json(JobResource(job)), final: message.final, fromElsewhere: true)
        }
    }
}
