import Crypto
import Foundation
import Generation
import Media
import NIOCore
import _NIOFileSystem

/// Uploaded media: bytes are streamed to a temporary file while hashed and counted (the
/// size limit, the disk budget and the key's storage quota are enforced as they arrive),
/// probed, flushed and moved to `assets/<asset id>.<ext>`. Each key has its own asset
/// row: the same bytes uploaded again by the same key give the same asset, by another
/// key a new asset (and a 201) whose row shares the file already stored — nothing in the
/// answer shows that someone else sent it.
public struct AssetStore: Sendable {
    public let directory: String
    let uploadsDirectory: String
    let repository: AssetRepository
    let dataDirectory: String
    /// Room left on the disk and under the quota (nil: unbounded, for tools and tests).
    let budget: DiskBudget?
    /// Where uploads are probed.
    let probes: MediaExecutor
    /// Each key's storage quota (nil: none, for tools and tests).
    let quota: StorageQuota?
    /// Where stored files live: the data directory (the default), or a bucket that every
    /// node reads through its cache.
    public let media: MediaLibrary

    public init(
        dataDirectory: String, repository: AssetRepository, probes: MediaExecutor, budget: DiskBudget? = nil,
        quota: StorageQuota? = nil, media: MediaLibrary? = nil
    ) throws {
        self.dataDirectory = dataDirectory
        self.media = media ?? .local(dataDirectory)
        self.budget = budget
        self.quota = quota
        self.probes = probes
        directory = (dataDirectory as NSString).appendingPathComponent("assets")
        uploadsDirectory = (dataDirectory as NSString).appendingPathComponent("uploads")
        self.repository = repository
        for folder in [directory, uploadsDirectory] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }

    /// Removes upload files a killed process left behind. Call before serving, with the
    /// data directory locked to this process (nothing else writes there then).
    public func removeUnfinishedUploads() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: uploadsDirectory)) ?? [] {
            try? FileManager.default.removeItem(atPath: (uploadsDirectory as NSString).appendingPathComponent(name))
        }
    }

    /// The absolute path of an asset's file in the data directory (with a bucket as the
    /// storage, use `withLocalFile(of:)`: the file may be only in the bucket).
    public func path(of asset: AssetRecord) -> String {
        path(ofStored: asset.path)
    }

    /// Runs `body` with a local path of the asset's file, valid until it returns.
    func withLocalFile<Value>(of asset: AssetRecord, _ body: (String) async throws -> Value) async throws -> Value {
        try await media.withLocalFiles(keys: [asset.path]) { local in try await body(local[asset.path] ?? path(of: asset)) }
    }

    /// A local path of the asset's file that stays (a provider reads it later): the file
    /// itself, or with a bucket a copy fetched into the data directory once.
    func localFile(of asset: AssetRecord) async throws -> String {
        let path = path(of: asset)
        if media.isLocal || FileManager.default.fileExists(atPath: path) { return path }
        try await media.storage.fetch(key: asset.path, to: path)
        return path
    }

    /// The absolute path of a stored file named relative to the data directory.
    func path(ofStored relative: String) -> String {
        (dataDirectory as NSString).appendingPathComponent(relative)
    }

    /// Receives an upload: `write` is handed a writer and feeds it the file's bytes.
    /// Then the file is probed and stored as `owner`'s. Throws `StorageFailure` for a bad
    /// upload, `InsufficientStorage` when the server has no room and `StorageQuotaExceeded`
    /// when the key's quota has none; none of them leaves a file.
    public func receive(
        limit: Int64, contentType: String?, filename: String?, owner: String?,
        _ write: (inout UploadWriter) async throws -> UploadDetails
    ) async throws -> (asset: AssetRecord, created: Bool) {
        let room = try budget?.room() ?? .max
        let allowance = try quota?.allowance(for: owner)
        let temporary = (uploadsDirectory as NSString).appendingPathComponent(Identifier.make(.asset) + ".part")
        do {
            let (hash, size, details) = try await FileSystem.shared.withFileHandle(
                forWritingAt: FilePath(temporary), options: .newFile(replaceExisting: false)
            ) { handle in
                var writer = UploadWriter(limit: limit, room: room, allowance: allowance, file: handle.bufferedWriter())
                let details = try await write(&writer)
                try await writer.file.flush()
                return (writer.digest, writer.size, details)
            }
            let result = try await store(
                temporary, sha256: hash, size: size,
                contentType: details.contentType ?? contentType,
                filename: details.filename ?? filename, owner: owner)
            try? FileManager.default.removeItem(atPath: temporary)
            return result
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            if !(error is InsufficientStorage), !(error is StorageQuotaExceeded), InsufficientStorage.isNoSpace(error) {
                throw InsufficientStorage(reason: "the disk filled up while the upload was written")
            }
            throw error
        }
    }

    /// Stores a file made or downloaded on this machine (a generation's output) as
    /// `owner`'s: moved into the store when new, deleted when the same content is already
    /// there. `file` must be on the data directory's file system (write it under
    /// `workDirectory`). Throws `InsufficientStorage` when the disk budget has no room for
    /// it, `StorageQuotaExceeded` when the key's quota has none.
    public func adopt(
        _ file: String, sha256: String, size: Int64, contentType: String?,
        filename: String?, owner: String?
    ) async throws -> (asset: AssetRecord, created: Bool) {
        defer { try? FileManager.default.removeItem(atPath: file) }
        // The file is already on the disk; what counts is the room it would keep taking.
        if let room = try budget?.room(), size > room {
            throw InsufficientStorage(reason: "the \(size)-byte file would not fit in the \(room) bytes left")
        }
        if let allowance = try quota?.allowance(for: owner), size > allowance.leftBytes {
            throw allowance.exceeded(needing: size)
        }
        return try await store(file, sha256: sha256, size: size, contentType: contentType, filename: filename, owner: owner)
    }

    /// Scratch space on the store's file system for files that `adopt` will take;
    /// emptied at start-up with the unfinished uploads.
    public var workDirectory: String { uploadsDirectory }

    private func store(
        _ temporary: String, sha256: String, size: Int64, contentType: String?,
        filename: String?, owner: String?
    ) async throws -> (asset: AssetRecord, created: Bool) {
        guard size > 0 else {
            throw StorageFailure(.emptyUpload, "the upload is empty (0 bytes)", suggestion: "send the file's bytes as the request body")
        }
        // The same bytes again from the same key: the same asset, used once more (its retention starts over).
        if let existing = try await repository.find(sha256: sha256, owner: owner),
            await media.exists(key: existing.path),
            try await repository.touch(existing.id)
        {
            return (existing, false)
        }
        // Probed even when another key's row has these bytes, so the answer (and its time)
        // is the same as for bytes never seen.
        let info: MediaInfo
        // Caption files are text that FFmpeg is never asked to read: parsed by the timeline's own reader.
        let isCaptions = CaptionFile.format(ofFile: temporary) != nil
        do {
            if isCaptions {
                info = try CaptionFile.probe(temporary)
            } else {
                info = try await MediaProbe.probe(temporary, on: probes)
            }
        } catch {
            // The server is stopping: the upload is not at fault, and may be sent again.
            if error.kind == .cancelled {
                throw StorageFailure(.interrupted, "the server stopped while probing the upload", suggestion: "send the upload again")
            }
            throw StorageFailure(
                .notMedia,
                (isCaptions ? "the upload is not a caption file the server can read: " : "the upload is not media FFmpeg can read: ")
                    + error.description.replacingOccurrences(of: temporary, with: "upload"),
                suggestion: "upload a video, audio, image or caption file (mp4, mov, mkv, webm, mp3, wav, m4a, flac, ogg, png, jpg, srt, vtt)")
        }
        let kind = Self.kind(of: info)
        let id = Identifier.make(.asset)
        let now = Date().timeIntervalSince1970
        func record(at relative: String) throws -> AssetRecord {
            var stored = info
            stored.path = relative
            let media = String(decoding: try JSONEncoder.api.encode(stored), as: UTF8.self)
            return AssetRecord(
                id: id, sha256: sha256, kind: kind, sizeBytes: size,
                contentType: contentType, filename: filename.map(Self.displayName), path: relative,
                media: media, createdAt: now, lastUsedAt: now, ownerKeyID: owner)
        }
        // Another key's row holds these bytes: share its file (unless it is collected meanwhile).
        if let shared = try repository.storedFile(sha256: sha256),
            await media.exists(key: shared),
            let inserted = try await repository.insert(try record(at: shared), sharesFile: true)
        {
            return inserted
        }
        let relative = "assets/\(id).\(Self.fileExtension(format: info.format, filename: filename, kind: kind))"
        let destination = (dataDirectory as NSString).appendingPathComponent(relative)
        do {
            try await DurableMove.move(temporary, to: destination)
        } catch {
            if InsufficientStorage.isNoSpace(error) { throw InsufficientStorage(reason: "the disk filled up while the file was stored") }
            throw StorageFailure(.writeFailed, "could not store the file: \(error)", suggestion: "check the data directory's disk")
        }
        // In the bucket before its row exists: a row never names a missing object.
        try await media.publish(file: destination, key: relative)
        guard let inserted = try await repository.insert(try record(at: relative)) else {
            await media.remove(key: relative)
            throw StorageFailure(.writeFailed, "the new asset \(id) was not stored", suggestion: "send the upload again")
        }
        // The same key stored the same bytes meanwhile under another id: keep theirs, drop this copy.
        if !inserted.created { await media.remove(key: relative) }
        return inserted
    }

    /// Video when there is a moving picture, image for a single still, captions for an SRT
    /// or WebVTT file, else audio.
    static func kind(of info: MediaInfo) -> AssetKind {
        if CaptionFile.isCaptions(info) { return .captions }
        guard info.video != nil else { return .audio }
        return info.isStillImage ? .image : .video
    }

    /// An extension FFmpeg recognizes for the stored file, from the probed format.
    static func fileExtension(format: String, filename: String?, kind: AssetKind) -> String {
        let given = filename.map { ($0 as NSString).pathExtension.lowercased() } ?? ""
        let known: [String: String] = [
            "mp3": "mp3", "wav": "wav", "flac": "flac", "ogg": "ogg", "aac": "aac",
            "png_pipe": "png", "jpeg_pipe": "jpg", "webp_pipe": "webp",
            "avi": "avi", "mpegts": "ts", "srt": "srt", "webvtt": "vtt",
        ]
        if format.hasPrefix("mov,mp4") {
            if ["mp4", "mov", "m4a", "m4v", "3gp"].contains(given) { return given }
            return kind == .audio ? "m4a" : "mp4"
        }
        if format.hasPrefix("matroska") { return given == "webm" ? "webm" : "mkv" }
        return known[format] ?? "bin"
    }

    /// A client filename is kept for display only, never used as a path.
    static func displayName(_ filename: String) -> String {
        let last = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }
        return String(String.UnicodeScalarView(cleaned).prefix(200))
    }
}

/// What a multipart upload said about its file part.
public struct UploadDetails: Sendable {
    public var contentType: String?
    public var filename: String?

    public init(contentType: String? = nil, filename: String? = nil) {
        self.contentType = contentType
        self.filename = filename
    }
}

/// Takes the upload's bytes: hashes and counts them, refuses the upload (413) the
/// moment it passes the limit, and writes them through a buffer to the file.
public struct UploadWriter {
    let limit: Int64
    /// What the disk budget leaves: an upload that would pass it is refused (507) as it arrives.
    let room: Int64
    /// What the key's storage quota leaves (nil: no quota), refused the same way.
    let allowance: StorageQuota.Allowance?
    var file: BufferedWriter<WriteFileHandle>
    private(set) var size: Int64 = 0
    private var hasher = SHA256()

    init(limit: Int64, room: Int64 = .max, allowance: StorageQuota.Allowance? = nil, file: BufferedWriter<WriteFileHandle>) {
        self.limit = limit
        self.room = room
        self.allowance = allowance
        self.file = file
    }

    public mutating func write(_ bytes: ByteBuffer) async throws {
        size += Int64(bytes.readableBytes)
        guard size <= limit else {
            throw StorageFailure(
                .uploadTooLarge, "the upload exceeds the limit of \(limit) bytes",
                suggestion: "upload a smaller file, or raise MERGE_SERVER_MAX_UPLOAD_BYTES")
        }
        guard size <= room else {
            throw InsufficientStorage(reason: "the upload passed the \(room) bytes the data directory has room for")
        }
        if let allowance, size > allowance.leftBytes { throw allowance.exceeded(needing: size) }
        bytes.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        _ = try await file.write(contentsOf: bytes)
    }

    public mutating func write(_ bytes: [UInt8]) async throws {
        try await write(ByteBuffer(bytes: bytes))
    }

    var digest: String { SHA256Hex.hex(hasher.finalize()) }
}
