import Foundation
import Generation
import Synchronization
import Testing

@Suite struct ResilienceTests {
    private func failure(_ kind: ProviderError.Kind, accepted: Bool = false, retryAfter: Duration? = nil) -> ProviderError {
        ProviderError(kind, "test", provider: "test", retryAfter: retryAfter, mayHaveBeenAccepted: accepted)
    }

    @Test func transientFailuresAreRetriedUntilSuccess() async throws {
        let calls = Atomic<Int>(0)
        let value = try await RetryPolicy.immediate.run {
            if calls.add(1, ordering: .relaxed).newValue < 3 { throw failure(.upstreamUnavailable) }
            return "ok"
        }
        #expect(value == "ok")
        #expect(calls.load(ordering: .relaxed) == 3)
    }

    @Test func permanentFailuresAndAcceptedCreatesAreNotRetried() async {
        for (error, rule) in [
            (failure(.validation), RetryPolicy.isTransient),
            (failure(.upstreamUnavailable, accepted: true), RetryPolicy.isUnacceptedTransient),
        ] {
            let calls = Atomic<Int>(0)
            await #expect(throws: ProviderError.self) {
                try await RetryPolicy.immediate.run(isRetryable: rule) { () async throws -> Int in
                    calls.add(1, ordering: .relaxed)
                    throw error
                }
            }
            #expect(calls.load(ordering: .relaxed) == 1)
        }
    }

    @Test func attemptsAreBoundedAndTheLastErrorIsThrown() async {
        let calls = Atomic<Int>(0)
        await #expect(throws: ProviderError.self) {
            try await RetryPolicy.immediate.run { () async throws -> Int in
                calls.add(1, ordering: .relaxed)
                throw failure(.rateLimited)
            }
        }
        #expect(calls.load(ordering: .relaxed) == RetryPolicy.immediate.maxAttempts)
    }

    @Test func delaysGrowExponentiallyWithJitterAndHonourRetryAfter() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(5))
        for attempt in 1...5 {
            let delay = policy.delay(afterAttempt: attempt, retryAfter: nil)
            let nominal = Duration.milliseconds(100) * (1 << (attempt - 1))
            #expect(delay >= nominal * 0.5 && delay <= nominal * 1.5)
        }
        #expect(policy.delay(afterAttempt: 30, retryAfter: nil) <= .seconds(5))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3)) == .seconds(3))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(300)) == .seconds(5))
        #expect(Duration(retryAfter: "19s") == .seconds(19))
        #expect(Duration(retryAfter: " 30 ") == .seconds(30))
        #expect(Duration(retryAfter: "1.5s") == .milliseconds(1500))
        #expect(Duration(retryAfter: "soon") == nil)
        #expect(Duration(retryAfter: "-1") == nil)
    }

    @Test func transportFailuresAreClassifiedOnce() {
        func error(_ kind: HTTPClientError.Kind, status: Int? = nil) -> HTTPClientError {
            HTTPClientError(kind, "test", url: "https://example.com/x", sent: false, status: status)
        }
        for kind in [HTTPClientError.Kind.connect, .timeout, .connectionLost] { #expect(error(kind).isTransient) }
        for kind in [HTTPClientError.Kind.tls, .tooLarge, .invalidRequest, .io] { #expect(!error(kind).isTransient) }
        for status in [408, 429, 500, 502, 503, 504] { #expect(error(.status, status: status).isTransient) }
        for status in [400, 401, 403, 404, 410, 501, 302] { #expect(!error(.status, status: status).isTransient) }
        #expect(!error(.status).isTransient)

        let expected: [(HTTPClientError, ProviderError.Kind)] = [
            (error(.timeout), .timeout), (error(.connect), .upstreamUnavailable), (error(.connectionLost), .upstreamUnavailable),
            (error(.tls), .upstreamUnavailable), (error(.io), .validation), (error(.invalidRequest), .validation),
            (error(.tooLarge), .badResponse), (error(.status, status: 503), .upstreamUnavailable),
            (error(.status, status: 429), .rateLimited), (error(.status, status: 403), .badResponse),
        ]
        for (transport, kind) in expected {
            #expect(ProviderError(transport: transport, provider: "p").kind == kind, "\(transport.kind) \(transport.status ?? 0)")
        }
    }

    @Test func hugeRetryAfterValuesAreClampedNotTrapped() {
        let day = Duration.seconds(86_400)
        #expect(Duration.longestRetryAfter == day)
        #expect(Duration(retryAfter: "99999999999999999") == day)
        #expect(Duration(retryAfter: "1e30") == day)
        #expect(Duration(retryAfter: "1e308s") == day)
        #expect(Duration(retryAfter: "86401") == day)
        #expect(Duration(retryAfter: "86399") == .seconds(86_399))
        #expect(Duration(retryAfter: "inf") == nil)
        #expect(Duration(retryAfter: "nan") == nil)
    }

    @Test func breakerOpensAfterRepeatedOutagesThenProbesAndCloses() async throws {
        let breakers = CircuitBreakers(threshold: 3, cooldown: .milliseconds(300))
        for _ in 0..<3 {
            await #expect(throws: ProviderError.self) {
                try await breakers.run(model: "m", provider: "p") { () async throws -> Int in throw failure(.upstreamUnavailable) }
            }
        }
        #expect(breakers.snapshot()["m"]?.state == .open)
        let calls = Atomic<Int>(0)
        do {
            _ = try await breakers.run(model: "m", provider: "p") { calls.add(1, ordering: .relaxed).newValue }
            Issue.record("an open breaker let a call through")
        } catch let error as ProviderError {
            #expect(error.kind == .upstreamUnavailable)
            #expect(error.retryAfter != nil)
        }
        #expect(calls.load(ordering: .relaxed) == 0)

        // After the cooldown one probe goes through; its success closes the breaker.
        try await waitUntil { breakers.snapshot()["m"]?.state != .open }
        #expect(try await breakers.run(model: "m", provider: "p") { 7 } == 7)
        #expect(breakers.snapshot()["m"]?.state == .closed)
        #expect(breakers.snapshot()["m"]?.consecutiveFailures == 0)
    }

    @Test func cancellationNeitherClosesNorResetsTheBreaker() async throws {
        let breakers = CircuitBreakers(threshold: 2, cooldown: .milliseconds(200))
        _ = try? await breakers.run(model: "m", provider: "p") { () async throws -> Int in throw failure(.timeout) }
        // A cancelled call in between does not reset the count.
        _ = try? await breakers.run(model: "m", provider: "p") { () async throws -> Int in throw CancellationError() }
        #expect(breakers.snapshot()["m"]?.consecutiveFailures == 1)
        _ = try? await breakers.run(model: "m", provider: "p") { () async throws -> Int in throw failure(.timeout) }
        #expect(breakers.snapshot()["m"]?.state == .open)

        // A cancelled probe leaves it open (not closed) and frees the probe for the next call.
        try await waitUntil { breakers.snapshot()["m"]?.state != .open }
        await #expect(throws: CancellationError.self) {
            try await breakers.run(model: "m", provider: "p") { () async throws -> Int in throw CancellationError() }
        }
        #expect(breakers.snapshot()["m"]?.state == .halfOpen)
        #expect(breakers.snapshot()["m"]?.consecutiveFailures == 2)
        struct Local: Error {}
        await #expect(throws: Local.self) {
            try await breakers.run(model: "m", provider: "p") { () async throws -> Int in throw Local() }
        }
        #expect(breakers.snapshot()["m"]?.state == .halfOpen)
        #expect(try await breakers.run(model: "m", provider: "p") { 3 } == 3)
        #expect(breakers.snapshot()["m"]?.state == .closed)
    }

    @Test func requestFaultsDoNotOpenTheBreakerAndModelsAreSeparate() async throws {
        let breakers = CircuitBreakers(threshold: 2, cooldown: .seconds(60))
        for _ in 0..<5 {
            _ = try? await breakers.run(model: "a", provider: "p") { () async throws -> Int in throw failure(.validation) }
        }
        for _ in 0..<2 {
            _ = try? await breakers.run(model: "b", provider: "p") { () async throws -> Int in throw failure(.timeout) }
        }
        #expect(breakers.snapshot()["a"]?.state == .closed)
        #expect(breakers.snapshot()["b"]?.state == .open)
        #expect(try await breakers.run(model: "a", provider: "p") { 1 } == 1)
    }
}
