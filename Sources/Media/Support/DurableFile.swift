import Foundation

/// Renames that survive a power loss: the file's bytes are flushed before it takes its
/// final name, and the directory after, so the name (which a database row will point
/// to) never outlives its contents and never vanishes once the row is committed.
public enum DurableFile {
    /// Flushes `source`, renames it to `destination`, flushes the destination's directory.
    public static func move(_ source: String, to destination: String) throws(DurableFileError) {
        try sync(source)
        guard rename(source, destination) == 0 else { throw DurableFileError(operation: "rename", errno: errno) }
        try syncDirectory(of: destination)
    }

    /// fsync of one file.
    public static func sync(_ path: String) throws(DurableFileError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DurableFileError(operation: "open", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw DurableFileError(operation: "fsync", errno: errno) }
    }

    /// fsync of the directory holding `path`, which makes a rename or link in it durable.
    public static func syncDirectory(of path: String) throws(DurableFileError) {
        try sync((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
    }
}

/// A flush or rename that failed; `errno` tells why (ENOSPC when the disk is full).
public struct DurableFileError: Error, CustomStringConvertible {
    public let operation: String
    public let errno: Int32

    public init(operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    public var isNoSpace: Bool { errno == ENOSPC || errno == EDQUOT }
    public var description: String { "\(operation) failed: \(String(cString: strerror(errno)))" }
}
