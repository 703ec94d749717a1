import CFFmpeg

/// The one error type of the Media module. `message` says what is wrong and what to
/// do about it; `ffmpegMessage` keeps FFmpeg's own words when FFmpeg reported it.
public struct MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case fileNotFound = "file_not_found"
        case unreadable
        case emptyFile = "empty_file"
        case notMedia = "not_media"
        case truncated
        case noVideoStream = "no_video_stream"
        case noAudioStream = "no_audio_stream"
        case invalidArgument = "invalid_argument"
        case unsupported
        case outputNotWritable = "output_not_writable"
        case cancelled
        /// FFmpeg failed in a way the other kinds do not describe.
        case ffmpeg
    }

    public let kind: Kind
    public let message: String
    /// The file the error concerns, when there is one.
    public let path: String?
    /// FFmpeg's error code (negative AVERROR) when FFmpeg reported the error.
    public let ffmpegCode: Int32?
    /// FFmpeg's own message: `av_strerror`, plus the last error it logged.
    public let ffmpegMessage: String?
    /// For an invalid request: every problem, each with its field path (`clips[3].out`).
    public let fieldProblems: [FieldProblem]

    public init(
        _ kind: Kind, _ message: String, path: String? = nil,
        ffmpegCode: Int32? = nil, ffmpegMessage: String? = nil, fieldProblems: [FieldProblem] = []
    ) {
        self.kind = kind
        self.message = message
        self.path = path
        self.ffmpegCode = ffmpegCode
        self.ffmpegMessage = ffmpegMessage
        self.fieldProblems = fieldProblems
    }

    /// An invalid request listing all its problems at once.
    public static func invalid(_ problems: [FieldProblem]) -> MediaError {
        let summary = problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        let count = problems.count == 1 ? "a problem" : "\(problems.count) problems"
        return MediaError(.invalidArgument, "the timeline has \(count): \(summary)", fieldProblems: problems)
    }

    public var description: String {
        guard let ffmpegMessage, !message.contains(ffmpegMessage) else { return message }
        return "\(message) (FFmpeg: \(ffmpegMessage))"
    }

    /// The same error said of `subject` ("clip 3"), so a user knows which input it concerns.
    public func about(_ subject: String) -> MediaError {
        guard kind != .cancelled else { return self }
        return MediaError(
            kind, "\(subject): \(message)", path: path, ffmpegCode: ffmpegCode, ffmpegMessage: ffmpegMessage,
            fieldProblems: fieldProblems)
    }

    public static func cancelled(_ path: String? = nil) -> MediaError {
        MediaError(.cancelled, "cancelled; no output was written", path: path)
    }
}

/// One problem with one field of a request.
public struct FieldProblem: Sendable, Equatable, Codable {
    public let field: String
    public let message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}
