import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing

@testable import MergeServer

/// Each key's token bucket: the figures on every answer to a limited key, 429 with
/// `Retry-After` once it is empty, other keys untouched, the server's default rate, and
/// the bucket's arithmetic on a clock the test turns.
@Suite struct RateLimitTests {
    func makeKey(_ server: TestServer, rate: Int?, scopes: Set<APIKeyScope> = [.read, .render, .generate]) async throws -> String {
        try await server.dependencies.apiKeys.create(name: "rate \(rate ?? 0)", scopes: scopes, limits: APIKeyLimits(ratePerMinute: rate)).key
    }

    /// The headers of one answer: status, limit, remaining, reset, retry-after.
    struct Seen {
        var status: HTTPResponse.Status
        var limit: Int?
        var remaining: Int?
        var reset: Int?
        var retryAfter: Int?
        var type: String?
    }

    func get(_ client: any TestClientProtocol, _ uri: String, key: String) async throws -> Seen {
        try await client.execute(uri: uri, method: .get, headers: bearer(key)) { response in
            Seen(
                status: response.status, limit: response.headers[.rateLimitLimit].flatMap { Int($0) },
                remaining: response.headers[.rateLimitRemaining].flatMap { Int($0) },
                reset: response.headers[.rateLimitReset].flatMap { Int($0) },
                retryAfter: response.headers[.retryAfter].flatMap { Int($0) },
                type: (try? jsonObject(response.body))?["type"] as? String)
        }
    }

    @Test(arguments: StoreEngine.allCases) func anEmptyBucketIs429WithRetryAfterAndOtherKeysGoOn(store: StoreEngine) async throws {
        let server = try await TestServer.make(workers: 0, store: store)
        let limited = try await makeKey(server, rate: 2)
        let other = try await makeKey(server, rate: 100)
        let unlimited = try await makeKey(server, rate: nil)
        try await server.test { client in
            let first = try await get(client, "/api/jobs", key: limited)
            #expect(first.status == .ok && first.limit == 2 && first.remaining == 1)
            // A bucket of 2 a minute refills one token in 30 s: full again within a minute.
            #expect((1...60).contains(first.reset ?? -1))
            #expect(first.retryAfter == nil)
            // Refusals further in are answers too: a 404 spends a token and says so.
            let missing = try await get(client, "/api/jobs/job_000000000000000000000000", key: limited)
            #expect(missing.status == .notFound && missing.limit == 2 && missing.remaining == 0)

            let refused = try await get(client, "/api/jobs", key: limited)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.type == "rate_limited")
            #expect(refused.limit == 2 && refused.remaining == 0)
            #expect((1...30).contains(refused.retryAfter ?? -1), "the next token comes within 30 s, not \(String(describing: refused.retryAfter))")
            // Every route is limited, POSTs too; the refusal comes before the body is read.
            let post = try await client.postJSON("/api/mv/create_scenes", "{}", headers: bearer(limited))
            #expect(post.status == .tooManyRequests)

            // Another key has its own bucket; a key without a rate (and no server default) has none.
            let neighbour = try await get(client, "/api/jobs", key: other)
            #expect(neighbour.status == .ok && neighbour.limit == 100 && neighbour.remaining == 99)
            let free = try await get(client, "/api/jobs", key: unlimited)
            #expect(free.status == .ok && free.limit == nil && free.remaining == nil)
            // Routes without a key are not the limiter's: /health answers whatever the bucket says.
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok && response.headers[.rateLimitLimit] == nil)
            }
        }
    }

    /// Two API nodes on one PostgreSQL store: a key of 4 requests a minute gets 4 across
    /// both, not 4 on each; once empty, both refuse it (the second node without asking the
    /// store again until the next token is due).
    @Test func apiNodesSharingAStoreShareEachKeysBucket() async throws {
        // Nodes share the store and the key pepper, as a cluster's do.
        let pepper = "a pepper the two nodes share"
        let first = try await TestServer.make(workers: 0, store: .postgres) { $0.keyPepper = pepper }
        let second = try await TestServer.make(workers: 0) {
            $0.database = first.dependencies.configuration.database
            $0.keyPepper = pepper
        }
        let key = try await makeKey(first, rate: 4)
        let other = try await makeKey(first, rate: 4)
        let remaining = try await first.test { a in
            try await second.test { b in
                var seen: [Int?] = []
                for client in [a, b, a, b] {
                    let answer = try await get(client, "/api/jobs", key: key)
                    #expect(answer.status == .ok && answer.limit == 4)
                    seen.append(answer.remaining)
                }
                for client in [a, b, b] {
                    let refused = try await get(client, "/api/jobs", key: key)
                    #expect(refused.status == .tooManyRequests && refused.remaining == 0)
                    #expect((1...15).contains(refused.retryAfter ?? -1), "a token every 15 s: \(String(describing: refused.retryAfter))")
                }
                #expect(try await get(b, "/api/jobs", key: other).remaining == 3, "another key has its own bucket")
                return seen
            }
        }
        #expect(remaining == [3, 2, 1, 0], "one bucket, spent from both nodes")
    }

    /// A store that stops answering does not stop the API: the node limits keys on its own.
    @Test func aSharedLimiterWhoseStoreIsGoneLimitsOnItsOwn() async throws {
        let database = try await StoreEngine.postgres.open(in: try TemporaryDirectory())
        let limiter = SharedRateLimiter(database: database, logger: TestServer.logger)
        #expect(await limiter.take(key: "key_a", perMinute: 2).remaining == 1)
        database.close()
        let answers = [await limiter.take(key: "key_a", perMinute: 2), await limiter.take(key: "key_a", perMinute: 2)]
        #expect(answers.map(\.allowed) == [true, true] && answers.map(\.remaining) == [1, 0], "a bucket of this node's: \(answers)")
        #expect(await limiter.take(key: "key_a", perMinute: 2).allowed == false)
    }

    @Test func theServerDefaultLimitsKeysMadeWithoutARate() async throws {
        let server = try await TestServer.make(workers: 0) { $0.defaultRatePerMinute = 1 }
        let plain = try await makeKey(server, rate: nil)
        let own = try await makeKey(server, rate: 5)
        try await server.test { client in
            let first = try await get(client, "/api/models", key: plain)
            #expect(first.status == .ok && first.limit == 1 && first.remaining == 0)
            let second = try await get(client, "/api/models", key: plain)
            #expect(second.status == .tooManyRequests && (1...60).contains(second.retryAfter ?? -1))
            let mine = try await get(client, "/api/models", key: own)
            #expect(mine.status == .ok && mine.limit == 5 && mine.remaining == 4)
        }
    }

    /// A clock the test turns by hand.
    final class ManualClock: Sendable {
        private let seconds = Mutex(1000.0)
        func advance(_ by: Double) { seconds.withLock { $0 += by } }
        var now: Double { seconds.withLock { $0 } }
    }

    @Test func aBucketRefillsAtItsRateAndTheTableStaysBounded() {
        let clock = ManualClock()
        let limiter = RateLimiter(maxBuckets: 3, clock: { clock.now })
        // 6 a minute: a token every 10 s, at most 6 held.
        for expected in (0..<6).reversed() {
            let decision = limiter.take(key: "a", perMinute: 6)
            #expect(decision.allowed && decision.remaining == expected)
        }
        let empty = limiter.take(key: "a", perMinute: 6)
        #expect(!empty.allowed && empty.retryAfterSeconds == 10 && empty.resetSeconds == 60)
        clock.advance(4)
        #expect(limiter.take(key: "a", perMinute: 6).retryAfterSeconds == 6)
        clock.advance(6)
        let refilled = limiter.take(key: "a", perMinute: 6)
        #expect(refilled.allowed && refilled.remaining == 0)
        clock.advance(3600)
        #expect(limiter.take(key: "a", perMinute: 6).remaining == 5, "a bucket never holds more than its rate")

        // More keys than the table holds: the full buckets go first, the count stays bounded.
        for key in ["b", "c", "d", "e", "f"] { _ = limiter.take(key: key, perMinute: 6) }
        #expect(limiter.count <= 3)
        // A key whose rate changes keeps what it had, up to the new size.
        let smaller = limiter.take(key: "f", perMinute: 2)
        #expect(smaller.allowed && smaller.limit == 2 && smaller.remaining == 1)
    }

    @Test func quotaSettingsAreReadFromTheEnvironment() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: ["MERGE_SERVER_DEFAULT_RATE_PER_MINUTE": "120", "MERGE_SERVER_DAILY_BUDGET_USD": "12.5"])
        #expect(configuration.defaultRatePerMinute == 120 && configuration.dailyBudgetUSD == 12.5)
        for (name, value) in [
            ("MERGE_SERVER_DEFAULT_RATE_PER_MINUTE", "0"), ("MERGE_SERVER_DEFAULT_RATE_PER_MINUTE", "1e3"),
            ("MERGE_SERVER_DAILY_BUDGET_USD", "-1"), ("MERGE_SERVER_DAILY_BUDGET_USD", "NaN"),
        ] {
            var rejected = ServerConfiguration()
            #expect(throws: ConfigurationError.self, "\(name)=\(value)") { try rejected.apply(environment: [name: value]) }
        }
    }
}
