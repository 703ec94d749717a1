import Foundation
import Generation
import Media

/// Runs one kind of job. The engine gives it the job (its request JSON) and a progress
/// callback; it returns the result JSON and, when it made one, the output video.
/// Cancellation arrives as task cancellation and must stop the work within a second,
/// leaving no output.
public protocol JobHandler: Sendable {
    var kind: String { get }
    /// True for kinds that spend their time waiting on generation providers; they run on
    /// workers of their own, so a clip generating upstream for minutes never holds a render.
    var waitsOnProviders: Bool { get }
    func run(_ job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput
}

extension JobHandler {
    public var waitsOnProviders: Bool { false }
}

public struct JobOutput: Sendable {
    public var result: String
    public var video: VideoRecord?

    public init(result: String, video: VideoRecord? = nil) {
        self.result = result
        self.video = video
    }
}

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
        case let lost as LeaseLost:
            self.init(type: "lease_lost", message: lost.description)
        case let full as InsufficientStorage:
            self.init(noSpace: full.description)
        case _ where InsufficientStorage.isNoSpace(error):
            self.init(noSpace: "\(error)")
        default:
            self.init(type: "internal_error", message: "the job failed: \(error)",
                      suggestion: "try again; if it keeps failing, report the job id", transient: true)
        }
    }

    /// A request found invalid only when its job ran (an asset gone, a fetched file that
    /// does not fit): permanent, with every field problem in the message.
    init(problem: Problem, type: String, prefix: String? = nil, suggestion: String) {
        let fields = problem.errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        let message = [prefix, problem.detail, fields.isEmpty ? nil : fields].compactMap { $0 }.joined(separator: " ")
        self.init(type: type, message: message, suggestion: suggestion)
    }

    /// The disk filled up (ENOSPC) or the quota was reached: permanent, so the caller
    /// hears it at once rather than after retries; the partial output is already gone.
    private init(noSpace detail: String) {
        self.init(type: "insufficient_storage", message: "the data directory ran out of space: \(detail)",
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
}
