import Foundation
import Generation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing

@testable import MergeServer

/// Spend budgets: a key's total and daily budgets and the server's daily cap refuse a
/// generation whose estimate would cross them with a 402 naming the budget, before any
/// provider call (the fake provider counts none); queued work holds its estimate; and a
/// queued job whose provider call would cross a budget when it runs fails without the call.
@Suite struct BudgetTests {
    /// A provider with a key: it charges the catalog's price (imagen-4, $0.04 an image)
    /// and counts its calls. The picture comes from the mock painter.
    final class PricedImageProvider: ImageProvider {
        let calls = Mutex(0)
        func generateImage(_ request: ImageGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
            calls.withLock { $0 += 1 }
            var made = try await MockImageProvider(executor: .tests).generateImage(request, context: context)
            made.isMock = false
            return made
        }
        var count: Int { calls.withLock { $0 } }
    }

    static let image = #"{"prompt": "a lighthouse keeper", "model": "imagen-4"}"#

    func server(
        workers: Int, provider: PricedImageProvider?, directory: TemporaryDirectory? = nil, store: StoreEngine = .sqlite,
        _ configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        try await TestServer.make(
            workers: workers, providers: provider.map { GenerationService.Providers(image: ["replicate": $0]) }, directory: directory,
            store: store, configure)
    }

    func key(_ server: TestServer, _ limits: APIKeyLimits) async throws -> (id: String, key: String) {
        let made = try await server.dependencies.apiKeys.create(name: "budget", scopes: [.generate, .read], limits: limits)
        return (made.record.id, made.key)
    }

    /// The `budget` member of a 402, checked whole.
    func budget(_ body: [String: Any]) -> [String: Any] { body["budget"] as? [String: Any] ?? [:] }

    func ended(_ server: TestServer, _ id: String) async throws -> JobRecord {
        for _ in 0..<2400 {
            if let job = try await server.dependencies.jobs.find(id), job.status.isFinal { return job }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("job \(id) did not end")
    }

    @Test(arguments: StoreEngine.allCases) func aKeyOverItsBudgetIs402WithNoProviderCall(store: StoreEngine) async throws {
        let provider = PricedImageProvider()
        let server = try await server(workers: 1, provider: provider, store: store)
        let poor = try await key(server, APIKeyLimits(budgetUSD: 0.03))
        let funded = try await key(server, APIKeyLimits(budgetUSD: 0.05))
        try await server.test { client in
            let refused = try await client.postJSON("/api/mv/generate_character_reference", Self.image, headers: bearer(poor.key))
            #expect(refused.status == .paymentRequired)
            #expect(refused.body["type"] as? String == "budget_exceeded")
            let figures = budget(refused.body)
            #expect(figures["name"] as? String == "budget_usd")
            #expect(figures["limit_usd"] as? Double == 0.03 && figures["spent_usd"] as? Double == 0)
            #expect(figures["remaining_usd"] as? Double == 0.03 && figures["estimate_usd"] as? Double == 0.04)
            #expect((refused.body["detail"] as? String ?? "").contains("$0.0300 of $0.0300 left"))
            #expect(provider.count == 0, "refused before any provider call")
            #expect(try await server.dependencies.jobs.list(status: nil, kind: nil, limit: 10, after: nil).isEmpty, "no job was made")
            // Work a mock plays is free and fits any budget.
            let mock = try await client.postJSON(
                "/api/mv/generate_character_reference", #"{"prompt": "x", "model": "mock-image"}"#, headers: bearer(poor.key))
            #expect(mock.status == .accepted)

            // A budget that fits one image: the first is made and charged, the second refused.
            let first = try await client.postJSON("/api/mv/generate_character_reference", Self.image, headers: bearer(funded.key))
            #expect(first.status == .accepted)
            let job = try await ended(server, first.body["job_id"] as? String ?? "")
            #expect(job.status == .succeeded)
            #expect(try await server.dependencies.costs.total(job: job.id).actualUSD == 0.04)
            let second = try await client.postJSON("/api/mv/generate_character_reference", Self.image, headers: bearer(funded.key))
            #expect(second.status == .paymentRequired)
            #expect(budget(second.body)["spent_usd"] as? Double == 0.04 && budget(second.body)["remaining_usd"] as? Double == 0.01)
            #expect(provider.count == 1)

            // The key listing shows where each key stands.
            let admin = try await server.dependencies.apiKeys.create(name: "admin", scopes: [.admin]).key
            try await client.execute(uri: "/api/keys", method: .get, headers: bearer(admin)) { response in
                let keys = try jsonObject(response.body)["keys"] as? [[String: Any]] ?? []
                let usage = keys.first { $0["id"] as? String == funded.id }?["usage"] as? [String: Any] ?? [:]
                #expect(usage["spent_usd"] as? Double == 0.04 && usage["held_usd"] as? Double == 0)
                #expect(usage["remaining_usd"] as? Double == 0.01 && usage["remaining_today_usd"] is NSNull)
                #expect(usage["running_jobs"] as? Int == 0 && usage["queued_jobs"] as? Int == 0)
            }

            let audit = try server.dependencies.audit.list(limit: 20)
            let refusals = audit.filter { $0.action == "spend.refused" }
            #expect(refusals.count == 2 && refusals.allSatisfy { $0.subject == "generate_character_reference over budget_usd" })
            #expect(Set(refusals.compactMap(\.actorKeyID)) == [poor.id, funded.id])
            // The one paid call is audited as spend of the funded key; the free mock is not.
            let charges = audit.filter { $0.action == "spend.charged" }
            #expect(charges.count == 1, "\(charges)")
            #expect(charges.first?.actorKeyID == funded.id && charges.first?.via == "job")
            #expect(charges.first?.subject == "\(job.id) imagen-4 0.04 USD")
        }
    }

    /// Queued jobs hold their estimates: three images of $0.04 do not fit in $0.10 even
    /// before any has run, and two requests at once cannot both take the last of it.
    @Test(arguments: StoreEngine.allCases) func queuedWorkHoldsItsEstimate(store: StoreEngine) async throws {
        let provider = PricedImageProvider()
        let server = try await server(workers: 0, provider: provider, store: store)
        let holder = try await key(server, APIKeyLimits(budgetUSD: 0.10))
        try await server.test { client in
            let answers = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await client.postJSON("/api/mv/generate_character_reference", Self.image, headers: bearer(holder.key)).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0 == .accepted }.count == 2 && answers.filter { $0 == .paymentRequired }.count == 1, "\(answers)")
            let over = try await client.postJSON("/api/mv/generate_character_reference", Self.image, headers: bearer(holder.key))
            #expect(budget(over.body)["spent_usd"] as? Double == 0.08, "\(over.body)")
            let usage = try KeyUsage.read(server.dependencies.database, key: try #require(try server.dependencies.apiKeys.find(id: holder.id)))
            #expect(usage.heldUSD == 0.08 && usage.spentUSD == 0 && usage.remainingUSD == 0.02 && usage.queuedJobs == 2)
            #expect(provider.count == 0)
        }
    }

    @Test(arguments: StoreEngine.allCases) func theDailyBudgetAndTheServersDailyCapAreEachNamed(store: StoreEngine) async throws {
        let provider = PricedImageProvider()
        let server = try await server(workers: 0, provider: provider, store: store) { $0.dailyBudgetUSD = 0.10 }
        let daily = try await key(server, APIKeyLimits(budgetUSD: 10, dailyBudgetUSD: 0.05))
        let open = try await key(server, APIKeyLimits())
        try await server.test { client in
            let accepted = try await client.postJSON("/api/mv/generate_character_reference", Self.image, headers: bearer(daily.key))
            #expect(accepted.status == .accepted)
            let overDaily = try await client.postJSON("/api/mv/generate_character_reference", Self.image, headers: bearer(daily.key))
            #expect(overDaily.status == .paymentRequired)
            #expect(budget(overDaily.body)["name"] as? String == "daily_budget_usd")
            #expect((overDaily.body["suggestion"] as? String ?? "").contains("next UTC day"))

            // $0.04 held by the first key's job, $0.04 by this one's: a third passes $0.10 a day.
            #expect(try await client.postJSON("/api/mv/generate_character_reference", Self.image, headers: bearer(open.key)).status == .accepted)
            let overServer = try await client.postJSON("/api/mv/generate_character_reference", Self.image, headers: bearer(open.key))
            #expect(overServer.status == .paymentRequired)
            let figures = budget(overServer.body)
            #expect(figures["name"] as? String == "server_daily_budget_usd")
            #expect(figures["limit_usd"] as? Double == 0.1 && figures["spent_usd"] as? Double == 0.08 && figures["remaining_usd"] as? Double == 0.02)
            #expect(provider.count == 0)
        }
    }

    /// Eight keys of their own each ask for an image at the same moment under a $0.10 daily
    /// cap: two fit ($0.08), six are refused. On PostgreSQL each key's submissions hold only
    /// that key's lock; the server's cap has one of its own, so no two take the last dollar.
    @Test(arguments: StoreEngine.allCases) func keysAskingAtOnceCannotPassTheServersDailyCapTogether(store: StoreEngine) async throws {
        let server = try await server(workers: 0, provider: PricedImageProvider(), store: store) { $0.dailyBudgetUSD = 0.10 }
        var made: [String] = []
        for _ in 0..<8 { made.append(try await key(server, APIKeyLimits()).key) }
        let keys = made
        try await server.test { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for key in keys {
                    group.addTask {
                        try await client.postJSON("/api/mv/generate_character_reference", Self.image, headers: bearer(key)).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .accepted }.count == 2, "\(statuses)")
            #expect(statuses.filter { $0 == .paymentRequired }.count == 6, "\(statuses)")
        }
    }

    /// Jobs accepted under other terms are checked again before each provider call: two
    /// images accepted without a cap, then run by a server restarted with a $0.05 cap: the
    /// first is made, the second fails `budget_exceeded` without calling the provider.
    @Test func aQueuedJobThatWouldCrossTheCapWhenItRunsFailsWithoutTheCall() async throws {
        let directory = try TemporaryDirectory()
        let accepting = try await server(workers: 0, provider: PricedImageProvider(), directory: directory)
        let ids = try await accepting.test { client in
            var ids: [String] = []
            for _ in 0..<2 {
                let answer = try await client.postJSON("/api/mv/generate_character_reference", Self.image)
                #expect(answer.status == .accepted)
                ids.append(answer.body["job_id"] as? String ?? "")
            }
            return ids
        }
        let provider = PricedImageProvider()
        // One worker for every kind: the first image is charged before the second is tried.
        let capped = try await server(workers: 1, provider: provider, directory: directory) {
            $0.dailyBudgetUSD = 0.05
            $0.engine.generationWorkers = 0
        }
        try await capped.test { _ in
            let first = try await ended(capped, ids[0])
            let second = try await ended(capped, ids[1])
            #expect(first.status == .succeeded)
            #expect(second.status == .failed && second.attempts == 1)
            #expect(second.failure?.type == "budget_exceeded")
            #expect((second.failure?.message ?? "").contains("no provider was called"))
            #expect(provider.count == 1)
        }
    }

    /// Work priced as a free mock (its provider had no key) holds nothing; if the provider
    /// has a key by the time it runs, the key's budget stops the call.
    @Test func aJobAcceptedAsAMockIsStoppedWhenItsProviderWouldChargeOverTheKeysBudget() async throws {
        let directory = try TemporaryDirectory()
        let mockOnly = try await server(workers: 0, provider: nil, directory: directory)
        let small = try await key(mockOnly, APIKeyLimits(budgetUSD: 0.01))
        let id = try await mockOnly.test { client in
            let answer = try await client.postJSON("/api/mv/generate_character_reference", Self.image, headers: bearer(small.key))
            #expect(answer.status == .accepted, "free as a mock: \(answer.body)")
            return answer.body["job_id"] as? String ?? ""
        }
        let provider = PricedImageProvider()
        let paid = try await server(workers: 1, provider: provider, directory: directory)
        try await paid.test { _ in
            let job = try await ended(paid, id)
            #expect(job.status == .failed && job.failure?.type == "budget_exceeded")
            #expect((job.failure?.message ?? "").contains("budget_usd"))
            #expect(provider.count == 0)
        }
    }
}
