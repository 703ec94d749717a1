import Foundation
import Media
import _NIOFileSystem

/// There is no room for what was asked: the disk is (nearly) full or the quota reached.
/// 507 at the HTTP edge, `insufficient_storage` at the job edge.
public struct InsufficientStorage: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public static let suggestion =
        "free space: delete videos and assets that are no longer needed (they are also collected after their retention), raise MERGE_SERVER_DATA_QUOTA_BYTES or lower MERGE_SERVER_MIN_FREE_BYTES; then send the request again"

    public var description: String { "there is no room to store more: \(reason)" }

    /// True when a message from a C layer (FFmpeg, libcurl) quotes the system's words
    /// for a full disk or quota: they report it at whichever write meets it.
    static func mentionsNoSpace(_ text: String) -> Bool {
        text.contains(String(cString: strerror(ENOSPC))) || text.contains(String(cString: strerror(EDQUOT)))
    }

    /// True when `error` is a write that failed for want of space (ENOSPC, EDQUOT), from
    /// whichever layer reported it.
    static func isNoSpace(_ error: any Error) -> Bool {
        switch error {
        case is InsufficientStorage:
            return true
        case let failure as DurableFileError:
            return failure.isNoSpace
        case let media as MediaError:
            if let code = media.ffmpegCode, code == -ENOSPC || code == -EDQUOT { return true }
            return mentionsNoSpace(media.description)
        case let failure as FileSystemError:
            if let call = failure.cause as? FileSystemError.SystemCallError {
                return [ENOSPC, EDQUOT].contains(call.errno.rawValue)
            }
            return failure.cause.map(isNoSpace) ?? false
        default:
            let error = error as NSError
            if error.domain == NSPOSIXErrorDomain { return [ENOSPC, EDQUOT].contains(Int32(error.code)) }
            if let underlying = error.userInfo[NSUnderlyingErrorKey] as? any Error { return isNoSpace(underlying) }
            return error.domain == NSCocoaErrorDomain && error.code == CocoaError.Code.fileWriteOutOfSpace.rawValue
        }
    }
}
