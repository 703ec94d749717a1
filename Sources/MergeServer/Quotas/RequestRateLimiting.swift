/// Spends a token of an API key's request-rate bucket: in memory for a server alone on
/// its store (`RateLimiter`), in the store for API nodes that share one (`SharedRateLimiter`).
protocol RequestRateLimiting: Sendable {
    /// Spends a token of `key`'s bucket of `perMinute` if there is one.
    func take(key: String, perMinute: Int) async -> RateLimiter.Decision
}
