import Foundation
import Generation
import HTTPTypes
import Hummingbird
import Media

/// Every error the API returns: `application/problem+json` (RFC 9457) with `type`,
/// `title`, `status`, `detail`, plus `errors` (field problems) and `suggestion` where
/// they help. `type` is a short stable token clients can switch on.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var type: String
    public var detail: String
    public var errors: [FieldProblem]
    public var suggestion: String?
    public var headers: HTTPFields
    /// Set by the server so a client can quote it.
    public var requestID: String?
    /// Extension members (RFC 9457 §3.2) beside the standard ones: figures a client can
    /// act on, such as the `budget` of a 402.
    public var members: [String: JSONValue] = [:]

    public init(
        _ status: HTTPResponse.Status, type: String, detail: String, errors: [FieldProblem] = [],
        suggestion: String? = nil, headers: HTTPFields = [:]
    ) {
        self.status = status
        self.type = type
        self.detail = detail
        self.errors = errors
        self.suggestion = suggestion
        self.headers = headers
    }

    public var title: String { status.reasonPhrase }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        let body = Body(
            type: type, title: title, status: Int(status.code), detail: detail,
            errors: errors.isEmpty ? nil : errors, suggestion: suggestion,
            requestID: requestID, members: members)
        let data = try JSONEncoder.api.encode(body)
        // A HEAD answer carries the headers of the GET answer, without the body.
        let byteBuffer = request.method == .head ? ByteBuffer() : ByteBuffer(bytes: data)
        if request.method == .head { fields[.contentLength] = String(data.count) }
        return Response(status: status, headers: fields, body: .init(byteBuffer: byteBuffer))
    }

    private struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let errors: [FieldProblem]?
        let suggestion: String?
        let requestID: String?
        let members: [String: JSONValue]

        enum CodingKeys: String, CodingKey {
            case type, title, status, detail, errors, suggestion
            case requestID = "request_id"
        }

        /// Any name that is not a standard member.
        struct MemberKey: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(title, forKey: .title)
            try container.encode(status, forKey: .status)
            try container.encode(detail, forKey: .detail)
            try container.encodeIfPresent(errors, forKey: .errors)
            try container.encodeIfPresent(suggestion, forKey: .suggestion)
            try container.encodeIfPresent(requestID, forKey: .requestID)
            var extra = encoder.container(keyedBy: MemberKey.self)
            for (name, value) in members where CodingKeys(stringValue: name) == nil {
                try extra.encode(value, forKey: MemberKey(stringValue: name))
            }
        }
    }
}

extension Problem {
    static func badRequest(_ detail: String, type: String = "bad_request", suggestion: String? = nil) -> Problem {
        Problem(.badRequest, type: type, detail: detail, suggestion: suggestion)
    }

    /// A path id that is malformed or names nothing. A hostile id is never echoed in full.
    static func notFound(_ what: String, id: String, kind: Identifier.Kind) -> Problem {
        let shown = id.count > 64 ? String(id.prefix(64)) + "…" : id
        if Identifier.isValid(id, kind) {
            return Problem(
                .notFound, type: "not_found", detail: "no \(what) with id \(shown)",
                suggestion: "it may have expired; check the id")
        }
        return Problem(
            .notFound, type: "not_found",
            detail: "\(shown.debugDescription) is not a \(what) id (they look like \(kind.rawValue)_ and \(Identifier.hexLength) hex digits)")
    }

    static func conflict(_ detail: String, type: String = "conflict", suggestion: String? = nil) -> Problem {
        Problem(.conflict, type: type, detail: detail, suggestion: suggestion)
    }

    static func internalError(requestID: String?) -> Problem {
        Problem(
            .internalServerError, type: "internal_error",
            detail: "the server failed to handle the request" + (requestID.map { " (request id \($0))" } ?? ""),
            suggestion: "try again; if it keeps failing, report the request id")
    }
}
