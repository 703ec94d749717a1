import Foundation
import Media

/// A node's media: the storage its finished files live in (the data directory, or a
/// bucket shared by every node), how a row's file is named there, and how it is served.
///
/// Files are always written locally first (renders, uploads) under the data directory at
/// the path their key names; `publish` then puts them in storage. With local storage
/// that is where they already are, so the embedded default does exactly what it always
/// did: no copy, no extra call.
public struct MediaLibrary: Sendable {
    public let storage: any MediaStorage
    public let dataDirectory: String
    public let serveMode: MediaServeMode
    /// How long a presigned redirect stays valid: enough to start a download, short
    /// enough that a leaked link dies soon (a player asks the API again for a new one).
    public var redirectSeconds = 300

    public init(storage: any MediaStorage, dataDirectory: String, serveMode: MediaServeMode = .redirect) {
        self.storage = storage
        self.dataDirectory = dataDirectory
        self.serveMode = serveMode
    }

    /// The data directory itself (the default).
    public static func local(_ dataDirectory: String) -> MediaLibrary {
        MediaLibrary(storage: LocalMediaStorage(root: dataDirectory), dataDirectory: dataDirectory, serveMode: .stream)
    }

    public var isLocal: Bool { storage is LocalMediaStorage }

    /// The key of a video row's file. Rows hold the absolute path it was written at on
    /// the node that made it; its name under `videos/` is the same on every node.
    public static func videoKey(path: String) -> String {
        "videos/" + (path as NSString).lastPathComponent
    }

    /// The local path a key's file is written at before it is published.
    public func localPath(of key: String) -> String {
        (dataDirectory as NSString).appendingPathComponent(key)
    }

    /// Puts the finished file at `path` in storage under `key`. Local storage: nothing to
    /// do (`path` is the key's place). A bucket: uploaded, the local file then kept in the
    /// download cache; on failure the local file is removed, so nothing half-stored stays.
    func publish(file path: String, key: String) async throws {
        guard !isLocal else { return }
        do {
            try await storage.store(file: path, key: key)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw StorageFailure(
                .writeFailed, "could not store \(key) in the media storage: \(error)",
                suggestion: "check the bucket, its endpoint and credentials; the job is retried")
        }
    }

    /// Removes `key`'s file (and, for a bucket, any local copy at its place). Best
    /// effort: what fails is logged by the caller's next sweep, never thrown.
    func remove(key: String) async {
        if isLocal {
            try? FileManager.default.removeItem(atPath: localPath(of: key))
        } else {
            try? await storage.delete(key: key)
            try? FileManager.default.removeItem(atPath: localPath(of: key))
        }
    }

    /// Removes a video row's file from `media`; without one (tools and tests built
    /// without storage), from the disk at `path`.
    static func removeVideo(path: String, from media: MediaLibrary?) async {
        // The extra files made with it (`outputs`: poster, sprite, preview, mp3) go with it.
        for file in [path] + ExtraFile.names.map({ VideoExtraFiles.path($0, besideVideo: path) }) {
            if let media, !media.isLocal {
                await media.remove(key: videoKey(path: file))
            } else {
                try? FileManager.default.removeItem(atPath: file)
            }
        }
    }

    /// Whether `key` is stored (a HEAD for a bucket).
    func exists(key: String) async -> Bool {
        if isLocal { return FileManager.default.fileExists(atPath: localPath(of: key)) }
        return (try? await storage.size(key: key)) != nil
    }

    /// Runs `body` with a local path for each of `keys`, valid until it returns: the
    /// data directory's own files, or a bucket's objects downloaded into the bounded cache
    /// and held there (never evicted) while `body` runs.
    func withLocalFiles<Value>(
        keys: [String], _ body: ([String: String]) async throws -> Value
    ) async throws -> Value {
        guard let s3 = storage as? S3MediaStorage else {
            return try await body(Dictionary(keys.map { ($0, localPath(of: $0)) }, uniquingKeysWith: { first, _ in first }))
        }
        var held: [String: String] = [:]
        do {
            for key in Set(keys) { held[key] = try await s3.acquire(key: key) }
            let value = try await body(held)
            for key in held.keys { await s3.cache.release(key: key) }
            return value
        } catch {
            for key in held.keys { await s3.cache.release(key: key) }
            if case MediaStorageError.notFound(let key) = error {
                throw StorageFailure(.notMedia, "the stored file \(key) is gone from the media storage", suggestion: "upload it again")
            }
            throw error
        }
    }
}
