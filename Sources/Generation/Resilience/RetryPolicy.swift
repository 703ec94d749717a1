import Foundation

/// Exponential backoff with jitter: attempt n waits base·2^(n−1)·U(0.5, 1.5), capped,
/// or what the provider asked for (Retry-After, retryDelay) when it asked.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(60)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// For tests: retries at once.
    public static let immediate = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(1), maxDelay: .milliseconds(20))

    /// The wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(retryAfter, maxDelay) }
        let exponential = baseDelay * Double(1 << min(attempt - 1, 20)) * Double.random(in: 0.5...1.5)
        return min(exponential, maxDelay)
    }

    /// Runs `operation` until it succeeds, fails with an error `isRetryable` refuses, or
    /// `maxAttempts` is reached (the last error is thrown). Cancellation stops the waits.
    public func run<T: Sendable>(
        isRetryable: @Sendable (any Error) -> Bool = RetryPolicy.isTransient,
        _ operation: @Sendable () async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch {
                if error is CancellationError || Task.isCancelled || attempt >= maxAttempts || !isRetryable(error) { throw error }
                let wait = delay(afterAttempt: attempt, retryAfter: (error as? ProviderError)?.retryAfter)
                try await Task.sleep(for: wait)
                attempt += 1
            }
        }
    }

    /// Safe to repeat: reads, polls, cancels, downloads.
    public static let isTransient: @Sendable (any Error) -> Bool = { error in
        (error as? ProviderError)?.isTransient ?? false
    }

    /// A create may be repeated only when the provider cannot have accepted it.
    public static let isUnacceptedTransient: @Sendable (any Error) -> Bool = { error in
        guard let error = error as? ProviderError else { return false }
        return error.isTransient && !error.mayHaveBeenAccepted
    }
}

extension Duration {
    /// The longest wait a Retry-After is read as; larger values (a hostile or broken
    /// server's "1e30") become this instead of overflowing.
    public static let longestRetryAfter: Duration = .seconds(24 * 60 * 60)

    /// Parses Retry-After seconds ("30") or Gemini's retryDelay ("19s", "1.5s"), at
    /// most `longestRetryAfter`.
    public init?(retryAfter text: String) {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("s") { trimmed.removeLast() }
        guard let seconds = Double(trimmed), seconds >= 0, seconds.isFinite else { return nil }
        let longest = Double(Self.longestRetryAfter.components.seconds)
        self = .milliseconds(Int64(min(seconds, longest) * 1000))
    }
}
