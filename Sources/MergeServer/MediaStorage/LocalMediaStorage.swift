import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Media under the data directory, as MergeServer has always kept it: the key is the
/// file's path relative to `root`. Stores are durable moves (flushed, renamed, the
/// directory flushed).
public struct LocalMediaStorage: MediaStorage {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func path(of key: String) throws(MediaStorageError) -> String {
        try MediaStorageKey.validate(key)
        return (root as NSString).appendingPathComponent(key)
    }

    public func store(file path: String, key: String) async throws -> Int64 {
        let destination = try self.path(of: key)
        let directory = (destination as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let size = try Self.size(at: path)
        if Self.device(of: path) == Self.device(of: directory) {
            try await DurableMove.move(path, to: destination)
        } else {
            // Another file system (no rename across it): copy beside the destination, then move that.
            let temporary = (directory as NSString).appendingPathComponent(".store-\(UUID().uuidString)")
            do {
                _ = try LocalCopy.copy(path, to: temporary)
                try await DurableMove.move(temporary, to: destination)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        return size
    }

    public func fetch(key: String, to path: String) async throws -> Int64 {
        let source = try self.path(of: key)
        guard FileManager.default.fileExists(atPath: source) else { throw MediaStorageError.notFound(key: key) }
        return try LocalCopy.copy(source, to: path)
    }

    public func withLocalFile<Value: Sendable>(key: String, _ body: (String) async throws -> Value) async throws -> Value {
        let path = try self.path(of: key)
        guard FileManager.default.fileExists(atPath: path) else { throw MediaStorageError.notFound(key: key) }
        return try await body(path)
    }

    public func size(key: String) async throws -> Int64 {
        let path = try self.path(of: key)
        guard FileManager.default.fileExists(atPath: path) else { throw MediaStorageError.notFound(key: key) }
        return try Self.size(at: path)
    }

    public func delete(key: String) async throws {
        let path = try self.path(of: key)
        guard unlink(path) == 0 || errno == ENOENT else {
            throw MediaStorageError.errno(path)
        }
    }

    public func serving(key: String, expiresIn seconds: Int) async throws -> MediaServing {
        let path = try self.path(of: key)
        guard FileManager.default.fileExists(atPath: path) else { throw MediaStorageError.notFound(key: key) }
        return .file(path: path)
    }

    private static func device(of path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_dev) : nil
    }

    static func size(at path: String) throws -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw MediaStorageError.errno(path)
        }
        return Int64(info.st_size)
    }
}

/// A copy that is whole or absent: written under a temporary name beside the
/// destination, flushed, then renamed.
enum LocalCopy {
    static func copy(_ source: String, to destination: String) throws -> Int64 {
        let directory = (destination as NSString).deletingLastPathComponent
        let temporary = ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(".copy-\(UUID().uuidString)")
        do {
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: temporary))
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, destination) == 0 else {
                throw MediaStorageError.errno(destination)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        return try LocalMediaStorage.size(at: destination)
    }
}
