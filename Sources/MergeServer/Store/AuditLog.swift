import Foundation

/// Who did what, when: key creation and revocation, webhook secret rotations, job
/// submissions, cancels and retries, spend charged by provider calls, generations refused
/// for a spend budget, and webhook deliveries given up. Rows are only ever added (the
/// table's triggers refuse changes).
public struct AuditLog: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public enum Action: String, Sendable, Codable {
        case keyCreated = "key.created"
        case keyRevoked = "key.revoked"
        case jobSubmitted = "job.submitted"
        case jobCanceled = "job.canceled"
        case jobRetried = "job.retried"
        /// A generation refused because its estimate would cross a spend budget.
        case spendRefused = "spend.refused"
        /// A provider call a job paid for (subject: the job, model and USD).
        case spendCharged = "spend.charged"
        case webhookSecretRotated = "key.webhook_secret_rotated"
        /// A job's delivery failed for good (its subject is the job).
        case webhookGaveUp = "webhook.gave_up"
    }

    /// Where the action came from: an API request, the command line, a job as it runs
    /// (spend), or the server on its own (a webhook delivery given up).
    public enum Via: String, Sendable, Codable {
        case api, cli, job, server
    }

    public struct Entry: Sendable, Equatable {
        public var id: Int64
        public var at: Double
        public var actorKeyID: String?
        /// `Via` and `Action` raw values (kept as text: a newer server may write others).
        public var via: String
        public var action: String
        public var subject: String
        public var requestID: String?
    }

    /// Adds one entry. A failure to write is the caller's to report: the action already happened.
    public func record(
        _ action: Action, subject: String, actor: String?, via: Via, requestID: String? = nil,
        now: Double = Date().timeIntervalSince1970
    ) async throws {
        try await database.write { db in
            try Self.record(db, action, subject: subject, actor: actor, via: via, requestID: requestID, now: now)
        }
    }

    /// Adds one entry inside a transaction of the caller's (a new job's, so the job and
    /// its entry exist together or not at all).
    static func record(
        _ db: any SQLConnection, _ action: Action, subject: String, actor: String?, via: Via, requestID: String?, now: Double
    ) throws {
        try record(db, [NewEntry(at: now, actor: actor, via: via, action: action, subject: subject, requestID: requestID)])
    }

    /// An entry to add.
    struct NewEntry {
        var at: Double
        var actor: String?
        var via: Via
        var action: Action
        var subject: String
        var requestID: String?
    }

    /// Adds `entries` in one statement (a group of new jobs' submissions). Nothing is read
    /// back: PostgreSQL sends it without waiting, and a failure fails the transaction.
    static func record(_ db: any SQLConnection, _ entries: [NewEntry]) throws {
        guard !entries.isEmpty else { return }
        let rows = Array(repeating: "(?, ?, ?, ?, ?, ?)", count: entries.count).joined(separator: ", ")
        var arguments = SQLArguments()
        for entry in entries {
            arguments += [entry.at, entry.actor, entry.via.rawValue, entry.action.rawValue, entry.subject, entry.requestID]
        }
        try db.send("INSERT INTO audit_log (at, actor_key_id, via, action, subject, request_id) VALUES \(rows)", arguments)
    }

    /// Who submitted a job, for its `job.submitted` entry (written in the job's transaction).
    public struct Submitter: Sendable {
        public var actor: String?
        public var via: Via
        public var requestID: String?

        public init(actor: String?, via: Via, requestID: String?) {
            self.actor = actor
            self.via = via
            self.requestID = requestID
        }
    }

    /// Newest first; `before`: the id of the last entry of the previous page.
    public func list(limit: Int, before: Int64? = nil) throws -> [Entry] {
        try database.read { db in
            try db.fetchAll(
                "SELECT * FROM audit_log WHERE (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
                [before, before, limit]
            ).map { row in
                Entry(
                    id: row["id"], at: row["at"], actorKeyID: row["actor_key_id"],
                    via: row["via"], action: row["action"],
                    subject: row["subject"], requestID: row["request_id"])
            }
        }
    }
}
