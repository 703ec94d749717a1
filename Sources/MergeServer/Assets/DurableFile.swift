import Foundation

/// Renames that survive a power loss: the file's bytes are flushed before it takes its
/// final name, and the directory after, so the name (which a database row will point
/// to) never outlives its contents and never vanishes once the row is committed.
enum DurableFile {
    /// Flushes `source`, renames it to `destination`, flushes the destination's directory.
    static func move(_ source: String, to destination: String) throws(DurableFileError) {
        try sync(source)
        guard rename(source, destination) == 0 else { throw DurableFileError(operation: "rename", errno: errno) }
        try syncDirectory(of: destination)
    }

    /// fsync of one file (an output another component renamed into place).
    static func sync(_ path: String) throws(DurableFileError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DurableFileError(operation: "open", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw DurableFileError(operation: "fsync", errno: errno) }
    }

    /// fsync of the directory holding `path`, which makes a rename or link in it durable.
    static func syncDirectory(of path: String) throws(DurableFileError) {
        try sync((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
    }
}

/// A flush or rename that failed; `errno` tells why (ENOSPC when the disk is full).
struct DurableFileError: Error, CustomStringConvertible {
    let operation: String
    let errno: Int32

    var isNoSpace: Bool { errno == ENOSPC || errno == EDQUOT }
    var description: String { "\(operation) failed: \(String(cString: strerror(errno)))" }
}
