import ArgumentParser
import Foundation
import MergeServer

/// `merge-server keys create|list|revoke|rotate-webhook-secret`: the API keys of a data
/// directory. Works while a server runs on it; a new key is accepted at once, a revoked
/// one refused, a rotated webhook secret signs the next delivery.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke the API keys callers authenticate with; rotate their webhook secrets.",
        subcommands: [Create.self, List.self, Revoke.self, RotateWebhookSecret.self])

    /// Where the keys are: `--data-dir`, else MERGE_SERVER_DATA_DIR (and MERGE_SERVER_DATABASE,
    /// MERGE_SERVER_KEY_PEPPER), else `outputs`, as `serve` finds them.
    struct Location: ParsableArguments {
        @Option(name: .customLong("data-dir"), help: "Data directory (the server's).") var dataDirectory: String?
        @Option(help: "sqlite:PATH (default sqlite:<data dir>/mergeserver.sqlite).") var database: String?

        func repository() throws -> APIKeyRepository {
            var configuration = ServerConfiguration()
            do {
                try configuration.apply(environment: ProcessInfo.processInfo.environment)
            } catch {
                throw CommandFailure(message: error.description, exitCode: 64)
            }
            if let dataDirectory { configuration.dataDirectory = dataDirectory }
            if let database { configuration.database = database }
            do {
                return try APIKeyRepository.open(configuration)
            } catch let error as ConfigurationError {
                throw CommandFailure(message: error.description, exitCode: 64)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a key; it is printed once and stored only as a hash, followed by its webhook secret.",
            discussion: "Limits are recorded with the key; enforcing them is still to come.")

        @Option(help: "A name saying whose key it is.") var name: String
        @Option(help: "Comma-separated scopes: render, generate, read, admin (default render,generate,read).") var scope: String?
        @Option(name: .customLong("budget-usd"), help: "Total spend allowed, in USD.") var budgetUSD: Double?
        @Option(name: .customLong("daily-budget-usd"), help: "Spend allowed per UTC day, in USD.") var dailyBudgetUSD: Double?
        @Option(help: "Requests allowed per minute, as N/min or N.") var rate: String?
        @Option(name: .customLong("max-concurrent"), help: "Jobs of this key running at once.") var maxConcurrent: Int?
        @Option(name: .customLong("storage-gb"), help: "Storage allowed, in GB (10^9 bytes).") var storageGB: Double?
        @Flag(help: "Print the key as JSON ({\"id\",\"key\",\"webhook_secret\",\"name\",…}).") var json = false
        @OptionGroup var location: Location

        func run() async throws {
            var ratePerMinute: Int?
            if let rate {
                let number = rate.hasSuffix("/min") ? String(rate.dropLast(4)) : rate
                guard let value = Int(number.trimmingCharacters(in: .whitespaces)) else {
                    throw CommandFailure(message: "--rate takes requests per minute, as N/min or N (got \(rate.debugDescription))", exitCode: 64)
                }
                ratePerMinute = value
            }
            let wanted: NewAPIKey
            do {
                wanted = try NewAPIKey.validated(
                    name: name, scopes: scope.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) },
                    budgetUSD: budgetUSD, dailyBudgetUSD: dailyBudgetUSD, ratePerMinute: ratePerMinute, maxConcurrent: maxConcurrent,
                    storageGB: storageGB)
            } catch {
                // Field names as the flags spell them.
                let message = error.problems.map { "--\(Self.flag(for: $0.field)): \($0.message)" }.joined(separator: "; ")
                throw CommandFailure(message: message, exitCode: 64)
            }
            let keys = try location.repository()
            let made = try await keys.create(name: wanted.name, scopes: wanted.scopes, limits: wanted.limits)
            try await keys.auditLog.record(.keyCreated, subject: made.record.id, actor: nil, via: .cli)
            let resource = APIKeyResource(made.record, key: made.key, webhookSecret: made.webhookSecret)
            if json {
                print(try resource.jsonText())
            } else {
                print("created \(resource.id) \(resource.name.debugDescription), scopes \(resource.scopes.joined(separator: ","))")
                // The key stays last, where `| tail -1` has always found it.
                print(made.webhookSecret)
                print(made.key)
            }
            FileHandle.standardError.write(
                Data("keep the key (and its webhook secret, the whsec_ line) now: they are not shown again\n".utf8))
        }

        static func flag(for field: String) -> String {
            switch field {
            case "budget_usd": "budget-usd"
            case "daily_budget_usd": "daily-budget-usd"
            case "rate_per_minute": "rate"
            case "max_concurrent": "max-concurrent"
            case "storage_gb": "storage-gb"
            case let scopes where scopes.hasPrefix("scopes"): "scope"
            default: field
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (never the secrets), revoked ones too.")

        @Flag(help: "Print {\"keys\":[…]} as GET /api/keys does.") var json = false
        @OptionGroup var location: Location

        func run() async throws {
            let keys = try location.repository().list().map { APIKeyResource($0) }
            if json {
                print(try APIKeyResource.listJSONText(keys))
                return
            }
            if keys.isEmpty {
                print("no API keys (the server is open to local callers only)")
                return
            }
            for key in keys {
                let state = key.revokedAt.map { "revoked \($0)" } ?? "active"
                print("\(key.id)  \(key.prefix)…  \(key.name.debugDescription)  \(key.scopes.joined(separator: ","))  \(key.createdAt)  \(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key: requests with it are refused (401) from now on.")

        @Argument(help: "The key's id (key_…), as `keys list` shows it.") var id: String
        @OptionGroup var location: Location

        func run() async throws {
            let keys = try location.repository()
            let now = Date().timeIntervalSince1970
            guard let record = try await keys.revoke(id: id, now: now) else {
                throw CommandFailure(message: "no API key with id \(String(id.prefix(64)).debugDescription)")
            }
            if record.revokedAt == now { try await keys.auditLog.record(.keyRevoked, subject: id, actor: nil, via: .cli) }
            print("revoked \(record.id) \(record.name.debugDescription)")
        }
    }

    struct RotateWebhookSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-webhook-secret",
            abstract: "Give a key a new webhook secret; it is printed once.",
            discussion: """
                Deliveries are signed with the new secret at once, and with the previous one too (a second v1, \
                signature) for 24 hours, so receivers can switch without refusing a delivery.
                """)

        @Argument(help: "The key's id (key_…), as `keys list` shows it.") var id: String
        @Flag(help: "Print {\"id\",\"webhook_secret\",\"previous_valid_until\"}.") var json = false
        @OptionGroup var location: Location

        func run() async throws {
            let keys = try location.repository()
            guard let rotated = try await keys.rotateWebhookSecret(id: id) else {
                throw CommandFailure(message: "no API key with id \(String(id.prefix(64)).debugDescription)")
            }
            try await keys.auditLog.record(.webhookSecretRotated, subject: id, actor: nil, via: .cli)
            let answer = WebhookSecretRotation(id: id, secret: rotated.secret, previousValidUntil: rotated.previousValidUntil)
            if json {
                print(try answer.jsonText())
            } else {
                print("rotated the webhook secret of \(id); the previous one also signs until \(answer.previousValidUntil)")
                print(rotated.secret)
            }
            FileHandle.standardError.write(Data("keep the webhook secret now: it is not shown again\n".utf8))
        }
    }
}
