import Foundation

/// One provider's HTTP calls: sends with the retry policy the phase allows, turns
/// transport failures and error statuses into `ProviderError`, and reads JSON answers.
struct ProviderAPI: Sendable {
    let provider: String
    let client: any HTTPClient
    let retry: RetryPolicy
    /// Per call (connect + answer); a hung call fails with `.timeout` and is retried as any transient failure.
    let requestTimeout: Duration
    /// Authentication and any other headers every call carries.
    let headers: [(name: String, value: String)]
    /// The provider's reading of an error response.
    let mapError: @Sendable (HTTPResponse, RemoteCallPhase) -> ProviderError

    static let responseLimit: Int64 = 16 << 20

    func request(
        _ method: HTTPRequest.Method, _ url: String, json: JSONValue? = nil, body: HTTPRequest.Body = .none,
        timeout: Duration? = nil
    ) throws -> HTTPRequest {
        var body = body
        var headers = headers
        if let json {
            body = .bytes(try json.encoded(), contentType: "application/json")
        }
        headers.append(("Accept", "application/json"))
        // API endpoints answer, they do not redirect; following one would hand the
        // credential headers to the redirect's host.
        return HTTPRequest(method, url, headers: headers, body: body, timeout: timeout ?? requestTimeout, followRedirects: false)
    }

    /// Sends until a 2xx answer, a non-retryable failure or the last attempt.
    func send(_ request: HTTPRequest, phase: RemoteCallPhase, retry: RetryPolicy? = nil) async throws -> HTTPResponse {
        try await (retry ?? self.retry).run(isRetryable: phase.isRetryable) {
            let response: HTTPResponse
            do {
                response = try await client.send(request, limit: Self.responseLimit)
            } catch let error as HTTPClientError {
                throw ProviderError(transport: error, provider: provider)
            }
            guard response.isSuccess else { throw mapError(response, phase) }
            return response
        }
    }

    /// Sends and reads the answer as JSON; an answer that is not JSON is `.badResponse`.
    func sendJSON(_ request: HTTPRequest, phase: RemoteCallPhase, retry: RetryPolicy? = nil) async throws -> JSONValue {
        let response = try await send(request, phase: phase, retry: retry)
        guard let json = JSONValue.parse(response.body) else {
            throw badResponse(
                "\(phase.rawValue) answered HTTP \(response.status) with a body that is not JSON: \(response.text(limit: 200))",
                status: response.status)
        }
        return json
    }

    func badResponse(_ message: String, status: Int? = nil) -> ProviderError {
        // Whatever we could not read came after the provider took the request.
        ProviderError(.badResponse, message, provider: provider, status: status, mayHaveBeenAccepted: true)
    }

    /// Polls and result reads of accepted work keep trying through transient failures
    /// (with the policy's backoff and Retry-After) until the provider's deadline ends
    /// the wait: giving up after a few attempts would abandon paid work over an outage
    /// of a minute. Non-transient failures still end the wait at once.
    var pollRetry: RetryPolicy {
        RetryPolicy(maxAttempts: .max, baseDelay: retry.baseDelay, maxDelay: retry.maxDelay)
    }

    /// Few, short attempts: a cancel is best effort and must not hold the caller.
    var cancelRetry: RetryPolicy {
        RetryPolicy(maxAttempts: min(3, retry.maxAttempts), baseDelay: retry.baseDelay, maxDelay: min(retry.maxDelay, .seconds(2)))
    }

    /// Best-effort cancel of upstream work; failures are ignored (the work ends or is billed anyway).
    func cancel(_ method: HTTPRequest.Method, _ url: String) async {
        guard let request = try? self.request(method, url, timeout: min(requestTimeout, .seconds(10))) else { return }
        _ = try? await send(request, phase: .cancel, retry: cancelRetry)
    }
}
