import Foundation
import Generation
import Media

/// The job edge of every error: what a failed job records (its `type` token, message,
/// suggestion) and whether it is retried. The HTTP edge (`ErrorProblems.swift`) reuses
/// these tokens, so one error has one `type` wherever it surfaces.
extension JobFailure {
    /// What a job's error means for the API and for retrying. Media errors about the
    /// input are permanent; running out of disk or an unexpected FFmpeg failure may
    /// pass, so they are retried.
    init(_ error: any Error) {
        switch error {
        case let failure as JobFailure:
            self = failure
        case let media as MediaError where InsufficientStorage.isNoSpace(media):
            self.init(noSpace: media.description)
        case let media as MediaError:
            self.init(media: media)
        case let provider as ProviderError:
            // An upstream answer is quoted, never relayed: one short line of it.
            self.init(provider: provider)
            message = FailureSanitizer.excerpt(message)
        case let download as HTTPClientError:
            self.init(download: download)
            message = FailureSanitizer.excerpt(message)
        case let invalid as ValidationFailure:
            self.init(
                type: "validation_error", message: invalid.description,
                suggestion: "fix the request and submit it again; an asset it names may have been removed (upload it again)")
        case let storage as StorageFailure:
            self.init(
                type: storage.type, message: storage.message, suggestion: storage.suggestion,
                transient: storage.kind == .writeFailed || storage.kind == .interrupted)
        case let lost as LeaseLost:
            self.init(type: "lease_lost", message: lost.description)
        case let full as InsufficientStorage:
            self.init(noSpace: full.description)
        case let quota as StorageQuotaExceeded:
            self.init(type: "storage_quota_exceeded", message: quota.description, suggestion: StorageQuotaExceeded.suggestion)
        case let over as BudgetExceeded:
            // Permanent: retrying cannot make room in a budget (a retry after it renews can).
            self.init(type: "budget_exceeded", message: over.description, suggestion: over.suggestion)
        case _ where InsufficientStorage.isNoSpace(error):
            self.init(noSpace: "\(error)")
        default:
            self.init(
                type: "internal_error", message: "the job failed: \(error)",
                suggestion: "try again; if it keeps failing, report the job id", transient: true)
        }
    }

    /// The disk filled up (ENOSPC) or the quota was reached: permanent, so the caller
    /// hears it at once rather than after retries; the partial output is already gone.
    private init(noSpace detail: String) {
        self.init(
            type: "insufficient_storage", message: "the data directory ran out of space: \(detail)",
            suggestion: "free disk space (or raise the data quota), then retry it with POST /api/jobs/{id}/retry")
    }

    private init(media error: MediaError) {
        let message = error.description
        switch error.kind {
        case .fileNotFound, .unreadable, .emptyFile, .notMedia, .truncated:
            self.init(type: "invalid_media", message: message, suggestion: "upload the file again, or use another one")
        case .noVideoStream, .noAudioStream:
            self.init(type: "invalid_media", message: message, suggestion: "use a file that has the stream named")
        case .invalidArgument:
            self.init(type: "validation_error", message: message, suggestion: "fix the request and send it again")
        case .unsupported:
            self.init(type: "unsupported", message: message, suggestion: "use a supported codec, container or format")
        case .outputNotWritable:
            self.init(type: "storage_error", message: message, suggestion: "free disk space in the data directory", transient: true)
        case .cancelled:
            self.init(type: "canceled", message: message)
        case .ffmpeg:
            self.init(type: "media_error", message: message, suggestion: "try again; if it keeps failing, check the inputs", transient: true)
        }
    }

    /// "could not fetch the URL" and the class of the reason, naming the host the
    /// caller gave and nothing a connection attempt learnt: no port, no libcurl text
    /// (which tells a refused port from a silent one).
    init(download error: HTTPClientError, limit: Int64? = nil) {
        let host = URLComponents(string: error.url)?.host.map { " (\($0))" } ?? ""
        let failed = "could not fetch the URL\(host)"
        let elsewhere = "check the URL, or upload the file instead"
        switch error.kind {
        case .refusedAddress:
            self.init(
                type: "url_not_allowed", message: "\(failed): it is not a public address",
                suggestion: "use a public URL or upload the file; an operator can allow internal hosts with MERGE_SERVER_FETCH_ALLOW")
        case .tooManyRedirects:
            self.init(
                type: "download_failed", message: "\(failed): too many redirects (at most \(RemoteAssetFetcher.maxRedirects) are followed)",
                suggestion: "give the final URL")
        case .tooLarge:
            self.init(
                type: "too_large", message: "\(failed): it is larger than \(limit.map { "\($0) bytes" } ?? "the size limit")",
                suggestion: "use a smaller file, or raise MERGE_SERVER_MAX_UPLOAD_BYTES")
        case .timeout:
            self.init(type: "download_failed", message: "\(failed): timed out", suggestion: elsewhere, transient: true)
        case .status:
            self.init(
                type: "download_failed", message: "\(failed): HTTP status \(error.status ?? 0)",
                suggestion: "check that the URL is public and has not expired, or upload the file instead",
                transient: error.isTransient)
        case .connect, .connectionLost:
            self.init(
                type: "download_failed", message: "\(failed): could not connect, or the connection broke", suggestion: elsewhere,
                transient: error.isTransient)
        case .tls:
            self.init(type: "download_failed", message: "\(failed): its TLS certificate could not be verified", suggestion: elsewhere)
        case .invalidRequest:
            self.init(
                type: "download_failed", message: "\(failed): only http and https URLs (and redirects) are fetched",
                suggestion: elsewhere)
        case .io where InsufficientStorage.mentionsNoSpace(error.description):
            self.init(
                type: "insufficient_storage", message: "\(failed): the data directory ran out of space",
                suggestion: "free disk space (or raise the data quota), then retry it with POST /api/jobs/{id}/retry")
        case .io:
            self.init(
                type: "storage_error", message: "\(failed): the server could not store it",
                suggestion: "free disk space in the data directory", transient: true)
        }
    }

    /// Retried as a job only when the provider cannot have accepted (and billed) the
    /// work: running the job again would send a new create.
    init(provider error: ProviderError) {
        self.init(
            type: error.kind.rawValue, message: error.description, suggestion: error.suggestion,
            transient: error.isTransient && !error.mayHaveBeenAccepted)
    }
}
