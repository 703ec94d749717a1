import HTTPTypes
import Hummingbird

/// Each API key's request rate (`rate_per_minute`, else `MERGE_SERVER_DEFAULT_RATE_PER_MINUTE`):
/// every answer to a limited key says where its bucket stands (`RateLimit-Limit`,
/// `RateLimit-Remaining`, `RateLimit-Reset` in seconds), and a request that finds the
/// bucket empty is a 429 `rate_limited` with `Retry-After`. Runs after `APIKeyMiddleware`,
/// which names the key; requests without one (open routes, a server without keys, the
/// metrics token) are not limited.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let limiter: any RequestRateLimiting
    /// The rate of keys made without one; nil: they are not limited.
    let defaultPerMinute: Int?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key = context.apiKey, let perMinute = key.limits.ratePerMinute ?? defaultPerMinute else {
            return try await next(request, context)
        }
        let decision = await limiter.take(key: key.id, perMinute: perMinute)
        let fields = Self.fields(decision)
        guard decision.allowed else {
            var headers = fields
            headers[.retryAfter] = String(decision.retryAfterSeconds)
            throw Problem(
                .tooManyRequests, type: "rate_limited",
                detail: "the API key \(key.prefix)… may make \(perMinute) requests a minute and has used them; "
                    + "the next one is allowed in \(decision.retryAfterSeconds) s",
                suggestion: "wait Retry-After seconds (and pace requests to the key's rate), or ask an admin for a key with a higher rate",
                headers: headers)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Refusals further in are answers too, and carry the figures like any other.
            response = try ProblemMiddleware.response(for: error, request: request, context: context)
        }
        for field in fields { response.headers[field.name] = field.value }
        return response
    }

    static func fields(_ decision: RateLimiter.Decision) -> HTTPFields {
        [
            .rateLimitLimit: String(decision.limit),
            .rateLimitRemaining: String(decision.remaining),
            .rateLimitReset: String(decision.resetSeconds),
        ]
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = HTTPField.Name("RateLimit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("RateLimit-Remaining")!
    static let rateLimitReset = HTTPField.Name("RateLimit-Reset")!
}
