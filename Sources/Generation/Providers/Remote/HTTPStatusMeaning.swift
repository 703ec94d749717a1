/// What an HTTP error status means in our terms, the same for every provider. Each
/// provider's mapper reads its own error body for the message and overrides what its
/// API documents differently (FAL's 403 is an exhausted balance, Gemini's bad key is a
/// 400, OpenAI's exhausted quota is a 429).
enum HTTPStatusMeaning {
    static func kind(status: Int, phase: RemoteCallPhase) -> ProviderError.Kind {
        switch status {
        case 408, 504: .timeout
        case 429: .rateLimited
        case 500...599: .upstreamUnavailable
        // An output URL that refuses (expired signature, removed file) is neither our key
        // nor our request at fault: the output cannot be read, and waiting will not help.
        case 400...499 where phase == .download: .badResponse
        case 401, 403: .authentication
        case 402: .insufficientCredit
        // On a create an unknown model or path; elsewhere the provider lost its own job.
        case 404: phase == .create || phase == .plan || phase == .upload ? .validation : .badResponse
        case 400, 405...499: .validation
        default: .badResponse
        }
    }

    /// A 5xx may come after the provider took the request (a create might have started
    /// paid work), except 503, which says the server did not handle it (RFC 9110
    /// §15.6.4). A 4xx is a refusal: nothing was accepted.
    static func mayHaveBeenAccepted(status: Int) -> Bool {
        (500...599).contains(status) && status != 503
    }

    static func error(
        status: Int, phase: RemoteCallPhase, provider: String, detail: String, kind: ProviderError.Kind? = nil,
        retryAfter: Duration? = nil
    ) -> ProviderError {
        let kind = kind ?? Self.kind(status: status, phase: phase)
        let detail = detail.isEmpty ? "no detail" : detail
        return ProviderError(
            kind, "\(phase.rawValue) answered HTTP \(status): \(detail)", provider: provider, status: status,
            retryAfter: kind == .rateLimited ? retryAfter : nil,
            mayHaveBeenAccepted: mayHaveBeenAccepted(status: status))
    }
}

extension HTTPResponse {
    /// `Retry-After` in seconds (the HTTP-date form is not used by these providers).
    var retryAfter: Duration? {
        header("Retry-After").flatMap { Duration(retryAfter: $0) }
    }
}
