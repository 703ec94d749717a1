import HTTPTypes
import Hummingbird
import Logging
import Media

/// The last word on errors: whatever a handler throws leaves as problem+json. Our own
/// `Problem`s pass as they are, domain errors as `ErrorProblems.swift` maps them;
/// Hummingbird's errors (no route, body too large) keep
/// their status with a sentence added; anything else is logged and becomes a 500
/// without internals.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(
        _ request: Request, context: ServerContext,
        next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.response(for: error, request: request, context: context)
        }
    }

    /// The problem+json answer to `error`, with the request id.
    static func response(for error: any Error, request: Request, context: ServerContext) throws -> Response {
        var response = try problem(for: error, request: request, context: context).response(from: request, context: context)
        if let id = context.requestID { response.headers[.requestID] = id }
        return response
    }

    static func problem(for error: any Error, request: Request, context: ServerContext) -> Problem {
        switch error {
        case var problem as Problem:
            problem.requestID = problem.requestID ?? context.requestID
            return problem
        case let error as any ProblemConvertible:
            var problem = error.problem
            problem.requestID = context.requestID
            return problem
        case let error as HTTPError:
            var problem = Problem(error.status, type: typeName(error.status), detail: error.body ?? sentence(error.status, request: request))
            problem.headers = error.headers
            problem.requestID = context.requestID
            return problem
        case let error as any HTTPResponseError:
            var problem = Problem(error.status, type: typeName(error.status), detail: sentence(error.status, request: request))
            problem.requestID = context.requestID
            return problem
        default:
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            var problem = Problem.internalError(requestID: context.requestID)
            problem.requestID = context.requestID
            return problem
        }
    }

    private static func typeName(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 413: "body_too_large"
        case 400: "bad_request"
        default: "http_\(status.code)"
        }
    }

    private static func sentence(_ status: HTTPResponse.Status, request: Request) -> String {
        switch status.code {
        case 404: "no route \(request.method) \(String(request.uri.path.prefix(200))); see GET /openapi.yaml for the API"
        case 405: "\(request.method) is not allowed on \(String(request.uri.path.prefix(200)))"
        case 413: "the request body is larger than this route accepts"
        default: status.reasonPhrase
        }
    }
}
