import Foundation

/// A provider's failure in our terms. Every provider maps its HTTP statuses and error
/// bodies onto these kinds; the job API shows `kind` as the error type with the
/// kind's suggestion.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case authentication
        case insufficientCredit = "insufficient_credit"
        case rateLimited = "rate_limited"
        case validation
        case contentFlagged = "content_flagged"
        case timeout
        case upstreamUnavailable = "upstream_unavailable"
        /// The provider ran the request and the model failed (not a fault of ours or theirs
        /// that waiting would fix): not retried, since a retry is paid again.
        case generationFailed = "generation_failed"
        /// The provider answered something we cannot read (malformed JSON, no output).
        case badResponse = "bad_response"
    }

    public var kind: Kind
    public var message: String
    /// "replicate", "fal", "gemini", "openai", "mock".
    public var provider: String
    /// The HTTP status that caused it, when there was one.
    public var status: Int?
    /// How long the provider asked us to wait (Retry-After, Gemini's retryDelay).
    public var retryAfter: Duration?
    /// False when the provider cannot have accepted the request (refused before it
    /// arrived, or rejected it with 429/401/...): only then may a create be retried.
    public var mayHaveBeenAccepted: Bool

    public init(
        _ kind: Kind, _ message: String, provider: String, status: Int? = nil, retryAfter: Duration? = nil,
        mayHaveBeenAccepted: Bool = false
    ) {
        self.kind = kind
        self.message = message
        self.provider = provider
        self.status = status
        self.retryAfter = retryAfter
        self.mayHaveBeenAccepted = mayHaveBeenAccepted
    }

    /// Worth trying again later: the same request may succeed.
    public var isTransient: Bool {
        switch kind {
        case .rateLimited, .timeout, .upstreamUnavailable: true
        case .authentication, .insufficientCredit, .validation, .contentFlagged, .generationFailed, .badResponse: false
        }
    }

    public var suggestion: String {
        switch kind {
        case .authentication: "check the \(provider) API key in the server's environment (see the README's configuration table)"
        case .insufficientCredit: "add credit or raise the spending limit of the \(provider) account"
        case .rateLimited: "the provider is throttling; the job was retried and may be submitted again later"
        case .validation: "change the request's parameters; GET /api/models lists what each model accepts"
        case .contentFlagged: "the provider's safety filter refused the prompt or image; rephrase it"
        case .timeout: "the provider did not answer in time; submit the job again"
        case .upstreamUnavailable: "the provider is failing or unreachable; try again later or choose another model"
        case .generationFailed: "the model failed on this request; change the prompt or choose another model"
        case .badResponse: "the provider answered in an unexpected format; try again, and report it if it persists"
        }
    }

    public var description: String { "\(provider): \(message)" }

    /// Transport failures in provider terms: a timeout is `.timeout`; no connection or a
    /// broken one is the provider being unreachable; a request we could not make or a
    /// local I/O failure is `.validation`; an answer over the size limit is
    /// `.badResponse`; an error status (downloads only) reads as `HTTPStatusMeaning`'s
    /// `.download` phase. A TLS failure stays `.upstreamUnavailable` (transient, and it
    /// counts against the breaker), though a bad certificate will not heal by waiting:
    /// `Kind` has no "unreachable for good".
    public init(transport error: HTTPClientError, provider: String) {
        let kind: Kind =
            switch error.kind {
            case .timeout: .timeout
            case .connect, .connectionLost, .tls: .upstreamUnavailable
            case .io, .invalidRequest: .validation
            case .tooLarge, .tooManyRedirects, .refusedAddress: .badResponse
            case .status: HTTPStatusMeaning.kind(status: error.status ?? 0, phase: .download)
            }
        self.init(
            kind, "\(error.message) (\(error.url))", provider: provider, status: error.status,
            mayHaveBeenAccepted: error.sent)
    }
}
