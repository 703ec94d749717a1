import Foundation
import Generation
import Media

/// Renders a prepared timeline into the attempt's own output file
/// (`videos/vid_<job>.a<attempt>-<tag>.<ext>`, see `VideoOutputName`), puts it in the
/// media storage and describes it: what `merge_videos` returns and `music_video` ends with.
struct JobVideoRenderer: Sendable {
    let videosDirectory: String
    let executors: MediaExecutors
    /// Where sources are read from and the finished video goes (the data directory by default).
    var media: MediaLibrary? = nil

    func render(
        _ request: PreparedTimeline, job record: JobRecord,
        progress: @escaping ProgressHandler
    ) async throws -> (MergeResult, VideoRecord) {
        let job = record.id
        let timeline = request.timeline
        let videoID = Identifier.video(forJob: job)
        let container = timeline.output.container ?? .mp4
        let media = media ?? .local((videosDirectory as NSString).deletingLastPathComponent)
        let name = VideoOutputName.fileName(job: record, extension: container.rawValue)
        let path = (videosDirectory as NSString).appendingPathComponent(name)
        VideoOutputName.removeEarlierAttempts(job: job, keeping: name, in: videosDirectory)
        let started = ContinuousClock.now
        let render = try await request.withLocalSources(media) { local in
            try await TimelineRenderer.render(
                timeline, to: path, on: executors.renders, resolve: local.resolve,
                probe: local.probe, progress: progress)
        }
        // The renderer flushed the file before renaming it into place, and its directory after.
        var probe: MediaInfo
        do {
            probe = try await MediaProbe.probe(path, on: executors.probes)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        probe.path = "\(videoID).\(container.rawValue)"
        // Stored before the job's end is written; a refused end removes it again (`JobOutput.discard`).
        try await media.publish(file: path, key: MediaLibrary.videoKey(path: path))
        let processing = (ContinuousClock.now - started).seconds

        let summary = VideoSummary(
            duration: render.duration, width: render.width, height: render.height, fps: render.fps,
            frames: render.frames, sizeBytes: render.sizeBytes,
            measuredLoudness: render.measuredLoudness.map { ($0 * 100).rounded() / 100 },
            loudnessGain: render.loudnessGain.map { ($0 * 100).rounded() / 100 }, videoCopied: render.videoCopied,
            processingSeconds: (processing * 1000).rounded() / 1000)
        let info = VideoInfo(
            videoID: videoID, jobID: job, summary: summary, probe: probe,
            timeline: try JSONValue(encoding: timeline), cuts: render.cuts, beats: render.beats,
            createdAt: Timestamp.iso8601(Date().timeIntervalSince1970))
        let result = MergeResult(
            videoID: videoID, videoURL: "/api/mv/get_video/\(videoID)", info: summary,
            cuts: render.cuts, beats: render.beats)
        let video = VideoRecord(
            id: videoID, jobId: job, path: path, sizeBytes: render.sizeBytes,
            info: JobEngine.json(info), createdAt: Date().timeIntervalSince1970)
        return (result, video)
    }
}
