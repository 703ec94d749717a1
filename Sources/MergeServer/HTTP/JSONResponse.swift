import Foundation
import HTTPTypes
import Hummingbird

/// JSON answers with the API's encoder (snake_case keys as declared, sorted).
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        try make(data: JSONEncoder.api.encode(value), status: status, headers: headers)
    }

    /// Already-encoded JSON (a stored result) goes out as it is.
    static func make(data: Data, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Decodes a JSON request body; a syntax error is 400 `malformed_json`, a wrong type or
/// a missing field is 422 with the field's path.
enum JSONBody {
    /// `wholeNumbers`: the top-level integer fields, checked first — JSONDecoder reports
    /// 1e300 in an `Int` field as malformed JSON without naming the field.
    static func decode<T: Decodable>(
        _ type: T.Type, from body: Data, expecting what: String,
        wholeNumbers: [String] = []
    ) throws -> T {
        let notWhole = WholeNumberFields.problems(in: body, fields: wholeNumbers)
        if !notWhole.isEmpty { throw ValidationFailure(notWhole) }
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch let error as DecodingError {
            let problem = DecodingProblem.fieldProblem(error)
            if problem.field.isEmpty {
                throw Problem.badRequest(
                    "the body is not \(what): \(problem.message)", type: "malformed_json",
                    suggestion: "send \(what) as JSON (see GET /openapi.yaml)")
            }
            throw ValidationFailure([problem])
        } catch {
            throw Problem.badRequest("the body is not JSON", type: "malformed_json")
        }
    }
}

extension Request {
    /// The body, at most `limit` bytes (413 beyond), as Data.
    func collectedBody(upTo limit: Int) async throws -> Data {
        let buffer = try await body.collect(upTo: limit)
        return Data(buffer.readableBytesView)
    }

    /// The JSON body of a POST: refuses a missing or other Content-Type (415) and an empty
    /// body (400). Requiring the type is a guard too: a cross-site form or a `no-cors`
    /// fetch can only send text/plain and form types, so a page cannot post a job unseen.
    func jsonBody(upTo limit: Int) async throws -> Data {
        let type = headers[.contentType] ?? ""
        let base = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard base == "application/json" else {
            throw Problem(
                .unsupportedMediaType, type: "unsupported_media_type",
                detail: type.isEmpty
                    ? "the request has no Content-Type; the body must be application/json"
                    : "the body must be application/json (got \(String(type.prefix(80)).debugDescription))",
                suggestion: "send the JSON with Content-Type: application/json")
        }
        let data: Data
        do {
            data = try await collectedBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem(
                .contentTooLarge, type: "body_too_large", detail: "the JSON body exceeds \(limit) bytes",
                suggestion: "send a smaller request; upload media with POST /api/uploads")
        }
        if data.isEmpty { throw Problem.badRequest("the request has no body; send JSON", type: "malformed_json") }
        return data
    }
}
