/// Storing a file went wrong for a reason other than room (that is
/// `InsufficientStorage`): the upload was empty, too large or not media, the server
/// stopped while it was probed, or the disk refused the write. Storage code throws it;
/// the edges give it a status and a job failure with the same `type` token.
public struct StorageFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case emptyUpload = "empty_upload"
        case uploadTooLarge = "upload_too_large"
        case notMedia = "not_media"
        case interrupted = "shutting_down"
        case writeFailed = "storage_error"
    }

    public let kind: Kind
    public let message: String
    public let suggestion: String

    public init(_ kind: Kind, _ message: String, suggestion: String) {
        self.kind = kind
        self.message = message
        self.suggestion = suggestion
    }

    public var description: String { message }
    /// The stable token clients switch on, the same on both edges.
    public var type: String { kind.rawValue }
}
