import Foundation
import Generation
import Media
import _NIOFileSystem

/// Serves a generated clip as its job's video.
enum GeneratedVideoPlacement {
    /// Places `asset` at `videos/<video id>.a<attempt>-<tag>.<ext>` (the attempt's own
    /// name, `VideoOutputName`): a hard link to the asset's file (no copy, and removing
    /// one never removes the other); a copy when the link cannot be made. Written as
    /// `.partial` (swept at start-up), flushed and renamed, so the row committed next
    /// never names a lost file; then put in the media storage (a bucket gets a copy).
    static func place(
        _ asset: AssetRecord, job record: JobRecord, store: AssetStore, videosDirectory: String,
        generation: GenerationInfo
    ) async throws -> VideoRecord {
        let job = record.id
        let videoID = Identifier.video(forJob: job)
        let ext = (asset.path as NSString).pathExtension.isEmpty ? "mp4" : (asset.path as NSString).pathExtension
        let name = VideoOutputName.fileName(job: record, extension: ext)
        let path = (videosDirectory as NSString).appendingPathComponent(name)
        let partial = path + ".partial"
        VideoOutputName.removeEarlierAttempts(job: job, keeping: name, in: videosDirectory)
        do {
            try await store.media.withLocalFiles(keys: [asset.path]) { local in
                let source = local[asset.path] ?? store.path(of: asset)
                try await FileSystem.shared.removeItem(at: FilePath(partial), strategy: .platformDefault)
                // NIOFileSystem has no hard link; link(2) is one metadata call.
                if link(source, partial) != 0 {
                    try await FileSystem.shared.copyItem(at: FilePath(source), to: FilePath(partial))
                }
                try await DurableMove.move(partial, to: path)
            }
        } catch let failure as StorageFailure {
            throw failure
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(partial), strategy: .platformDefault)
            if InsufficientStorage.isNoSpace(error) { throw InsufficientStorage(reason: "the disk filled up while the video was placed") }
            throw StorageFailure(.writeFailed, "could not place the video: \(error)", suggestion: "check the data directory's disk")
        }
        try await store.media.publish(file: path, key: MediaLibrary.videoKey(path: path))
        let probe = JSONValue(text: asset.media) ?? .null
        let info = GeneratedVideoInfo(
            videoID: videoID, jobID: job, assetID: asset.id, probe: probe, generation: generation,
            createdAt: Timestamp.iso8601(Date().timeIntervalSince1970))
        return VideoRecord(
            id: videoID, jobId: job, path: path, sizeBytes: asset.sizeBytes, info: JobEngine.json(info),
            createdAt: Date().timeIntervalSince1970)
    }
}
