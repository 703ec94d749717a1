import _NIOFileSystem

/// Moves that survive a power loss, through NIOFileSystem's own threads (so no task on
/// Swift's cooperative pool blocks on fsync): the file's bytes are flushed before it
/// takes its final name and the directory after, so a database row committed next
/// never names a lost or empty file.
enum DurableMove {
    /// Flushes `source`, renames it to `destination` (replacing what is there), flushes
    /// the destination's directory.
    static func move(_ source: String, to destination: String) async throws {
        let from = FilePath(source)
        let to = FilePath(destination)
        try await FileSystem.shared.withFileHandle(forReadingAt: from) { try await $0.synchronize() }
        try await FileSystem.shared.replaceItem(at: to, withItemAt: from)
        try await FileSystem.shared.withDirectoryHandle(atPath: to.removingLastComponent()) { try await $0.synchronize() }
    }
}
