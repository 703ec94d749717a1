import Generation
import HTTPTypes
import Hummingbird
import Media

/// The HTTP edge of every domain error: each becomes one problem+json answer, the way
/// Hummingbird maps NIO's errors, so no code under the routes builds a `Problem` for
/// them. The `type` tokens are the ones the job edge (`JobFailure+Errors.swift`) uses.
protocol ProblemConvertible: HTTPResponseError {
    var problem: Problem { get }
}

extension ProblemConvertible {
    public var status: HTTPResponse.Status { problem.status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try problem.response(from: request, context: context)
    }
}

extension HTTPResponse.Status {
    static let insufficientStorage = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
}

extension ValidationFailure: ProblemConvertible {
    var problem: Problem {
        Problem(
            .unprocessableContent, type: "validation_error", detail: description, errors: problems,
            suggestion: "fix the fields listed in errors and send the request again")
    }
}

extension StorageFailure: ProblemConvertible {
    var problem: Problem {
        switch kind {
        case .emptyUpload, .notMedia:
            Problem(.unprocessableContent, type: type, detail: message, suggestion: suggestion)
        case .uploadTooLarge:
            Problem(.contentTooLarge, type: type, detail: message, suggestion: suggestion)
        case .interrupted:
            Problem(.serviceUnavailable, type: type, detail: message, suggestion: suggestion, headers: [.retryAfter: "5"])
        case .writeFailed:
            Problem(.insufficientStorage, type: type, detail: message, suggestion: suggestion)
        }
    }
}

extension HTTPResponse.Status {
    static let paymentRequired = HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required")
}

/// A generation over a spend budget: 402 with the figures, also as the `budget` member.
extension BudgetExceeded: ProblemConvertible {
    var problem: Problem {
        var problem = Problem(.paymentRequired, type: "budget_exceeded", detail: description, suggestion: suggestion)
        problem.members["budget"] = .object([
            "name": .string(budget.rawValue), "limit_usd": .number(limitUSD), "spent_usd": .number(spentUSD),
            "remaining_usd": .number(remainingUSD), "estimate_usd": .number(estimateUSD),
        ])
        return problem
    }
}

extension InsufficientStorage: ProblemConvertible {
    var problem: Problem {
        Problem(.insufficientStorage, type: "insufficient_storage", detail: description, suggestion: Self.suggestion)
    }
}

extension StorageQuotaExceeded: ProblemConvertible {
    var problem: Problem {
        Problem(.insufficientStorage, type: "storage_quota_exceeded", detail: description, suggestion: Self.suggestion)
    }
}

extension MediaError: ProblemConvertible {
    /// The status follows the job edge's token, so a full disk that FFmpeg reports as its
    /// own error is a 507 `insufficient_storage` here too, not a 500.
    var problem: Problem {
        let failure = JobFailure(self)
        let status: HTTPResponse.Status =
            switch failure.type {
            case "insufficient_storage", "storage_error": .insufficientStorage
            case "canceled": .serviceUnavailable
            case "media_error": .internalServerError
            default: .unprocessableContent  // invalid_media, validation_error, unsupported
            }
        return Problem(status, type: failure.type, detail: failure.message, suggestion: failure.suggestion)
    }
}

extension ProviderError: ProblemConvertible {
    var problem: Problem {
        let failure = JobFailure(provider: self)
        let status: HTTPResponse.Status =
            switch kind {
            case .validation, .contentFlagged: .unprocessableContent
            case .rateLimited: .tooManyRequests
            case .timeout: .gatewayTimeout
            case .authentication, .insufficientCredit, .upstreamUnavailable, .generationFailed, .badResponse: .badGateway
            }
        return Problem(status, type: failure.type, detail: FailureSanitizer.excerpt(failure.message), suggestion: failure.suggestion)
    }
}

extension HTTPClientError: ProblemConvertible {
    var problem: Problem {
        let failure = JobFailure(download: self)
        let status: HTTPResponse.Status =
            switch kind {
            case .refusedAddress, .invalidRequest, .tooManyRedirects: .unprocessableContent
            case .tooLarge: .contentTooLarge
            case .io: .insufficientStorage
            case .timeout: .gatewayTimeout
            case .connect, .tls, .connectionLost, .status: .badGateway
            }
        return Problem(status, type: failure.type, detail: failure.message, suggestion: failure.suggestion)
    }
}
