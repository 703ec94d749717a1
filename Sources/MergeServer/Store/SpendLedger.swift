import Foundation

/// What generation has spent and what queued work still holds, summed from the cost rows
/// of one key or of the whole server since a time. Each sum reads an index: spend from
/// `costs_spend_by_owner` / `costs_spend_by_time` alone, holds from the key's queued and
/// running jobs (`jobs_by_status_owner`) and their rows (`costs_by_job`).
enum SpendLedger {
    /// Whose spend: one key's, or everyone's (the server's daily cap).
    enum Scope: Sendable, Equatable {
        case key(String)
        case server
    }

    /// What provider calls were charged (`actual_usd`) on rows made at or after `since`.
    static func charged(_ db: any SQLConnection, _ scope: Scope, since: Double) throws -> Double {
        switch scope {
        case .key(let id):
            try db.fetchValue(Double.self, "SELECT COALESCE(SUM(actual_usd), 0) FROM costs WHERE owner_key_id = ? AND created_at >= ?", [id, since])
                ?? 0
        case .server:
            try db.fetchValue(Double.self, "SELECT COALESCE(SUM(actual_usd), 0) FROM costs WHERE created_at >= ?", [since]) ?? 0
        }
    }

    /// What queued and running jobs are expected to spend beyond what they were charged so
    /// far: their estimates less their actual spend, never below zero. Work priced while its
    /// provider had no key (a mock) holds nothing.
    static func held(_ db: any SQLConnection, _ scope: Scope, since: Double) throws -> Double {
        // CROSS JOIN keeps SQLite from starting at the costs (all of them, for a total budget).
        let remainder = """
            SELECT COALESCE(SUM(\(db.dialect.greatest("c.estimated_usd - COALESCE(c.actual_usd, 0)", "0"))), 0)
            FROM jobs AS j \(db.dialect.indexedBy("jobs_by_status_owner")) \(db.dialect.joinInOrder) costs AS c ON c.job_id = j.id
            """
        let pending = "j.status IN ('queued', 'running') AND c.is_mock = 0 AND c.created_at >= ?"
        switch scope {
        case .key(let id):
            return try db.fetchValue(Double.self, "\(remainder) WHERE j.owner_key_id = ? AND \(pending)", [id, since]) ?? 0
        case .server:
            return try db.fetchValue(Double.self, "\(remainder) WHERE \(pending)", [since]) ?? 0
        }
    }

    /// The start of the UTC day of `time`.
    static func dayStart(_ time: Double) -> Double {
        (time / 86_400).rounded(.down) * 86_400
    }
}
