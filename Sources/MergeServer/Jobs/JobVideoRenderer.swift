import Foundation
import Generation
import Media

/// Renders a prepared timeline into the job's own output file (`videos/vid_<job>.<ext>`)
/// and describes it: what `merge_videos` returns and `music_video` ends with.
struct JobVideoRenderer: Sendable {
    let videosDirectory: String
    let executors: MediaExecutors

    func render(
        _ request: PreparedTimeline, job: String,
        progress: @escaping ProgressHandler
    ) async throws -> (MergeResult, VideoRecord) {
        let timeline = request.timeline
        let videoID = Identifier.video(forJob: job)
        let container = timeline.output.container ?? .mp4
        let path = (videosDirectory as NSString).appendingPathComponent("\(videoID).\(container.rawValue)")
        let started = ContinuousClock.now
        let render = try await TimelineRenderer.render(
            timeline, to: path, on: executors.renders, resolve: request.resolve,
            probe: request.probe, progress: progress)
        // The renderer flushed the file before renaming it into place, and its directory after.
        var probe = try await MediaProbe.probe(path, on: executors.probes)
        probe.path = "\(videoID).\(container.rawValue)"
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
