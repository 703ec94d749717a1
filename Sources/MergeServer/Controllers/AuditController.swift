import Foundation
import Hummingbird
import Media

/// `GET /api/audit`: the audit log, newest first, for an admin key (RouteScopes).
struct AuditController {
    let audit: AuditLog

    var routes: RouteCollection<ServerContext> {
        let router = RouteCollection(context: ServerContext.self)
        router.get("/api/audit", use: list)
        return router
    }

    struct EntryResource: Encodable {
        var id: Int64
        var at: String
        var actorKeyID: String?
        var via: String
        var action: String
        var subject: String
        var requestID: String?

        init(_ entry: AuditLog.Entry) {
            id = entry.id
            at = Timestamp.iso8601(entry.at)
            actorKeyID = entry.actorKeyID
            via = entry.via
            action = entry.action
            subject = entry.subject
            requestID = entry.requestID
        }

        enum CodingKeys: String, CodingKey {
            case id, at, via, action, subject
            case actorKeyID = "actor_key_id"
            case requestID = "request_id"
        }

        /// Absent values are null, never left out.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(at, forKey: .at)
            try container.encode(actorKeyID, forKey: .actorKeyID)
            try container.encode(via, forKey: .via)
            try container.encode(action, forKey: .action)
            try container.encode(subject, forKey: .subject)
            try container.encode(requestID, forKey: .requestID)
        }
    }

    struct Page: Encodable {
        var entries: [EntryResource]
        /// Pass as `before` for the next (older) page; null on the last.
        var nextBefore: Int64?

        enum CodingKeys: String, CodingKey {
            case entries
            case nextBefore = "next_before"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entries, forKey: .entries)
            try container.encode(nextBefore, forKey: .nextBefore)
        }
    }

    @Sendable func list(_ request: Request, context: ServerContext) async throws -> Response {
        let query = request.uri.queryParameters
        var problems: [FieldProblem] = []
        var limit = 100
        if let text = query.get("limit") {
            if let value = Int(text), (1...1000).contains(value) { limit = value } else { problems.append(.init("limit", "must be 1…1000")) }
        }
        var before: Int64?
        if let text = query.get("before") {
            before = Int64(text).flatMap { $0 > 0 ? $0 : nil }
            if before == nil { problems.append(.init("before", "must be an entry id (a positive whole number)")) }
        }
        if !problems.isEmpty {
            throw Problem(
                .badRequest, type: "bad_query", detail: problems.map { "\($0.field) \($0.message)" }.joined(separator: "; "),
                errors: problems)
        }
        let entries = try audit.list(limit: limit + 1, before: before)
        let shown = Array(entries.prefix(limit))
        return try JSONResponse.make(
            Page(entries: shown.map(EntryResource.init), nextBefore: entries.count > limit ? shown.last?.id : nil))
    }
}
