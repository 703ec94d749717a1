import Foundation
import Synchronization

/// One breaker per model: after `threshold` consecutive failures that say the provider
/// is down (unavailable, timeouts) it opens and calls fail at once; after `cooldown`
/// one probe call is let through (half-open) — its success closes the breaker, its
/// failure opens it again. Failures that are the request's fault never count.
public final class CircuitBreakers: Sendable {
    public enum State: String, Sendable, Codable {
        case closed, open
        case halfOpen = "half_open"
    }

    public struct Snapshot: Sendable, Codable, Equatable {
        public var state: State
        public var consecutiveFailures: Int
        /// While open: seconds until a probe is allowed.
        public var retryInSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case state
            case consecutiveFailures = "consecutive_failures"
            case retryInSeconds = "retry_in_seconds"
        }
    }

    private struct Breaker {
        var failures = 0
        var openedAt: ContinuousClock.Instant?
        var probing = false
    }

    public let threshold: Int
    public let cooldown: Duration
    private let breakers = Mutex<[String: Breaker]>([:])

    public init(threshold: Int = 5, cooldown: Duration = .seconds(30)) {
        self.threshold = threshold
        self.cooldown = cooldown
    }

    /// Runs `operation` for `model` unless its breaker is open.
    public func run<T: Sendable>(model: String, provider: String, _ operation: () async throws -> T) async throws -> T {
        try admit(model: model, provider: provider)
        do {
            let value = try await operation()
            record(model: model, failed: false)
            return value
        } catch let error as ProviderError {
            // An outage counts; any other answer says the provider is up, and a probe that
            // ended this way closes the breaker.
            record(model: model, failed: [.upstreamUnavailable, .timeout].contains(error.kind))
            throw error
        } catch {
            // Cancelled, or failed on our side: nothing learnt about the provider. The
            // failures stand; only the probe slot is freed for the next call.
            endProbe(model: model)
            throw error
        }
    }

    /// Every model whose breaker has seen failures, for /health.
    public func snapshot() -> [String: Snapshot] {
        let now = ContinuousClock.now
        return breakers.withLock { all in
            all.mapValues { breaker in
                guard let opened = breaker.openedAt else {
                    return Snapshot(state: .closed, consecutiveFailures: breaker.failures, retryInSeconds: nil)
                }
                let remaining = cooldown - (now - opened)
                if breaker.probing || remaining <= .zero {
                    return Snapshot(state: .halfOpen, consecutiveFailures: breaker.failures, retryInSeconds: nil)
                }
                return Snapshot(state: .open, consecutiveFailures: breaker.failures, retryInSeconds: remaining.secondsValue)
            }
        }
    }

    private func admit(model: String, provider: String) throws(ProviderError) {
        let now = ContinuousClock.now
        let refusal: Duration? = breakers.withLock { all in
            guard var breaker = all[model], let opened = breaker.openedAt else { return nil }
            let remaining = cooldown - (now - opened)
            if remaining > .zero { return remaining }
            if breaker.probing { return .seconds(1) }
            breaker.probing = true
            all[model] = breaker
            return nil
        }
        if let refusal {
            throw ProviderError(
                .upstreamUnavailable,
                "\(model) failed \(threshold) times in a row; calls are paused for \(Int(refusal.secondsValue.rounded(.up))) s",
                provider: provider, retryAfter: refusal)
        }
    }

    private func endProbe(model: String) {
        breakers.withLock { all in
            all[model]?.probing = false
        }
    }

    private func record(model: String, failed: Bool) {
        breakers.withLock { all in
            var breaker = all[model] ?? Breaker()
            breaker.probing = false
            if failed {
                breaker.failures += 1
                if breaker.failures >= threshold { breaker.openedAt = .now }
            } else {
                breaker = Breaker()
            }
            all[model] = breaker
        }
    }
}
