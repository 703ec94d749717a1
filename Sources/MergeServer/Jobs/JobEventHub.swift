import Foundation
import Synchronization

/// One Server-Sent Event of a job: `progress`, `status` or `done`, with its JSON.
public struct JobEvent: Sendable, Equatable {
    public let id: UInt64
    public let name: String
    public let data: String
}

/// The in-process broadcaster between workers and `GET /api/jobs/{id}/events`.
///
/// Each job keeps its last events so a client that reconnects with `Last-Event-ID`
/// gets what it missed; each subscriber has its own small buffer that keeps the newest
/// events, so a slow client drops old progress (never the final `done`) and never
/// slows a worker. A subscriber that goes away is removed by its stream's termination.
public final class JobEventHub: Sendable {
    public enum Delivery: Sendable, Equatable {
        case event(JobEvent)
        case heartbeat
    }

    private struct Channel {
        var recent: [JobEvent] = []
        var subscribers: [UInt64: AsyncStream<Delivery>.Continuation] = [:]
    }

    private struct State {
        var channels: [String: Channel] = [:]
        var nextSubscriber: UInt64 = 0
        var subscriberTotal = 0
        /// Event ids grow across restarts too (microseconds at start-up, then +1), so a
        /// Last-Event-ID from before a restart is simply older than everything kept.
        var nextEventID = UInt64(Date().timeIntervalSince1970 * 1_000_000)
    }

    static let recentLimit = 32
    static let subscriberBuffer = 64
    private let state = Mutex(State())
    /// Where this process's own events also go (`JobEventRelay`, on a shared store).
    private let forwarder = Mutex<(@Sendable (_ job: String, _ name: String, _ data: String, _ final: Bool) -> Void)?>(nil)
    /// Open subscriptions allowed in all and per job: each holds a connection and a
    /// heartbeat task, so an unbounded number is a way to exhaust the server.
    let maxSubscribers: Int
    let maxSubscribersPerJob: Int

    public init(maxSubscribers: Int = .max, maxSubscribersPerJob: Int = .max) {
        self.maxSubscribers = maxSubscribers
        self.maxSubscribersPerJob = maxSubscribersPerJob
    }

    /// A subscription refused because the limits above are reached.
    public struct TooManySubscribers: Error {
        /// True when the job's own limit was reached (else the server's).
        public let perJob: Bool
    }

    /// Also hands every event published here (not those from elsewhere) to `body`.
    func forward(_ body: @escaping @Sendable (_ job: String, _ name: String, _ data: String, _ final: Bool) -> Void) {
        forwarder.withLock { $0 = body }
    }

    /// Sends an event to the job's subscribers. `final` events end their streams.
    /// `fromElsewhere`: another process published it (it is not forwarded again).
    @discardableResult
    public func publish(job: String, name: String, data: String, final: Bool = false, fromElsewhere: Bool = false) -> JobEvent {
        if !fromElsewhere, let forward = forwarder.withLock({ $0 }) { forward(job, name, data, final) }
        let (event, subscribers) = state.withLock { state -> (JobEvent, [AsyncStream<Delivery>.Continuation]) in
            let event = JobEvent(id: state.nextEventID, name: name, data: data)
            state.nextEventID += 1
            var channel = state.channels[job] ?? Channel()
            let subscribers = Array(channel.subscribers.values)
            if final {
                // The job is over: later subscribers read its end from the database.
                state.channels[job] = nil
                state.subscriberTotal -= subscribers.count
            } else {
                channel.recent.append(event)
                if channel.recent.count > Self.recentLimit { channel.recent.removeFirst(channel.recent.count - Self.recentLimit) }
                state.channels[job] = channel
            }
            return (event, subscribers)
        }
        for subscriber in subscribers {
            subscriber.yield(.event(event))
            if final { subscriber.finish() }
        }
        return event
    }

    /// One client's stream. Closing it — or dropping it, when a response is abandoned
    /// before its body ever ran (the client reset the connection) — frees its place.
    public final class Subscription: Sendable {
        /// The kept events after the client's Last-Event-ID; nil when there is none or it
        /// is older than everything kept (the caller then sends the current state).
        public let missed: [JobEvent]?
        /// Live events, and a heartbeat when idle; ends after the job's final event.
        public let deliveries: AsyncStream<Delivery>
        let continuation: AsyncStream<Delivery>.Continuation

        init(missed: [JobEvent]?, deliveries: AsyncStream<Delivery>, continuation: AsyncStream<Delivery>.Continuation) {
            self.missed = missed
            self.deliveries = deliveries
            self.continuation = continuation
        }

        deinit { continuation.finish() }

        /// Ends the subscription (the client went away).
        public func close() { continuation.finish() }
    }

    public func subscribe(job: String, after lastEventID: UInt64?, heartbeat: Duration) throws(TooManySubscribers) -> Subscription {
        let (stream, continuation) = AsyncStream<Delivery>.makeStream(bufferingPolicy: .bufferingNewest(Self.subscriberBuffer))
        let beat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeat)
                if Task.isCancelled { break }
                continuation.yield(.heartbeat)
            }
        }
        let admitted = state.withLock { state -> Result<[JobEvent]?, TooManySubscribers> in
            var channel = state.channels[job] ?? Channel()
            if state.subscriberTotal >= maxSubscribers { return .failure(TooManySubscribers(perJob: false)) }
            if channel.subscribers.count >= maxSubscribersPerJob { return .failure(TooManySubscribers(perJob: true)) }
            let subscriber = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscriberTotal += 1
            // Set before the continuation is reachable, so a final event published right
            // after the lock is released still stops the heartbeat and frees the place.
            continuation.onTermination = { [weak self] _ in
                beat.cancel()
                self?.unsubscribe(job: job, subscriber: subscriber)
            }
            channel.subscribers[subscriber] = continuation
            state.channels[job] = channel
            // Ids are far above 0 (microseconds since 1970), so `oldest.id - 1` cannot wrap;
            // `lastEventID + 1` could, for a client that sends UInt64.max.
            guard let lastEventID, let oldest = channel.recent.first, lastEventID >= oldest.id - 1 else { return .success(nil) }
            return .success(channel.recent.filter { $0.id > lastEventID })
        }
        switch admitted {
        case .success(let missed):
            return Subscription(missed: missed, deliveries: stream, continuation: continuation)
        case .failure(let refusal):
            beat.cancel()
            continuation.finish()
            throw refusal
        }
    }

    private func unsubscribe(job: String, subscriber: UInt64) {
        state.withLock { state in
            guard var channel = state.channels[job], channel.subscribers[subscriber] != nil else { return }
            channel.subscribers[subscriber] = nil
            state.subscriberTotal -= 1
            state.channels[job] = channel.subscribers.isEmpty && channel.recent.isEmpty ? nil : channel
        }
    }

    /// Open subscriptions, for /metrics and tests.
    public var subscriberCount: Int {
        state.withLock { $0.subscriberTotal }
    }

    /// Forgets a job's kept events (the job was deleted).
    public func forget(job: String) {
        state.withLock { state in
            if state.channels[job]?.subscribers.isEmpty ?? true { state.channels[job] = nil }
        }
    }
}
