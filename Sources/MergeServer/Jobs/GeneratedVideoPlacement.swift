import Foundation
import Generation
import Media
import _NIOFileSystem

/// Serves a generated clip as its job's video.
enum GeneratedVideoPlacement {
    /// Places `asset` at `videos/<video id>.<ext>`: a hard link to the asset's file (no
    /// copy, and removing one never removes the other); a copy when the link cannot be
    /// made. Written as `.partial` (swept at start-up), flushed and renamed, so the row
    /// committed next never names a lost file.
    static func place(
        _ asset: AssetRecord, job: String, store: AssetStore, videosDirectory: String,
        generation: GenerationInfo
    ) async throws -> VideoRecord {
        let videoID = Identifier.video(forJob: job)
        let source = store.path(of: asset)
        let ext = (source as NSString).pathExtension.isEmpty ? "mp4" : (source as NSString).pathExtension
        let path = (videosDirectory as NSString).appendingPathComponent("\(videoID).\(ext)")
        let partial = path + ".partial"
        do {
            try await FileSystem.shared.removeItem(at: FilePath(partial), strategy: .platformDefault)
            // NIOFileSystem has no hard link; link(2) is one metadata call.
            if link(source, partial) != 0 {
                try await FileSystem.shared.copyItem(at: FilePath(source), to: FilePath(partial))
            }
            try await DurableMove.move(partial, to: path)
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(partial), strategy: .platformDefault)
            if InsufficientStorage.isNoSpace(error) { throw InsufficientStorage(reason: "the disk filled up while the video was placed") }
            throw StorageFailure(.writeFailed, "could not place the video: \(error)", suggestion: "check the data directory's disk")
        }
        let probe = JSONValue(text: asset.media) ?? .null
        let info = GeneratedVideoInfo(
            videoID: videoID, jobID: job, assetID: asset.id, probe: probe, generation: generation,
            createdAt: Timestamp.iso8601(Date().timeIntervalSince1970))
        return VideoRecord(
            id: videoID, jobId: job, path: path, sizeBytes: asset.sizeBytes, info: JobEngine.json(info),
            createdAt: Date().timeIntervalSince1970)
    }
}
