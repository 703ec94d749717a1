import Foundation
import Generation
import Media

/// `merge_videos`: renders the job's timeline into `videos/<video id>.<container>`.
/// The path depends only on the job, so a job run again after a crash writes the same
/// file (the renderer writes a temporary file and renames it): never two outputs.
struct MergeVideosJob: JobHandler {
    static let kind = "merge_videos"
    var kind: String { Self.kind }
    let assets: AssetRepository
    let store: AssetStore
    let videosDirectory: String
    /// Fetches URL sources into the asset store before the render.
    let fetcher: RemoteAssetFetcher
    /// What API callers may ask for: a timeline of URL sources is validated in full only here.
    let limits: ServerLimits

    func run(_ job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let timeline: Timeline
        let request: TimelineRequest
        do {
            timeline = try await TimelineRequest.fetchingURLSources(TimelineRequest.decode(Data(job.request.utf8)), with: fetcher)
            request = try await TimelineRequest.prepare(timeline, limits: limits.timeline, maxSongSeconds: limits.maxSongSeconds,
                                                        assets: assets, store: store)
        } catch let problem as Problem {
            throw JobFailure(problem: problem, type: "validation_error",
                             suggestion: "fix the timeline; an asset it names may have been removed (upload it again)")
        }
        let (result, video) = try await TimelineRender.render(timeline, request: request, job: job.id,
                                                              videosDirectory: videosDirectory, progress: progress)
        return JobOutput(result: JobEngine.json(result), video: video)
    }
}

/// Renders a prepared timeline into the job's own output file (`videos/vid_<job>.<ext>`)
/// and describes it: what `merge_videos` returns and `music_video` ends with.
enum TimelineRender {
    static func render(_ timeline: Timeline, request: TimelineRequest, job: String, videosDirectory: String,
                       progress: @escaping ProgressHandler) async throws -> (MergeResult, VideoRecord) {
        let videoID = Identifier.video(forJob: job)
        let container = timeline.output.container ?? .mp4
        let path = (videosDirectory as NSString).appendingPathComponent("\(videoID).\(container.rawValue)")
        let started = ContinuousClock.now
        let render = try await TimelineRenderer.render(timeline, to: path, resolve: request.resolve, probe: request.probe,
                                                       progress: progress)
        // The renderer flushed the file before renaming it into place, and its directory after.
        var probe = try await BlockingWork.run(name: "probe-output") { _ in try MediaProbe.probe(path) }
        probe.path = "\(videoID).\(container.rawValue)"
        let processing = (ContinuousClock.now - started).seconds

        let summary = VideoSummary(duration: render.duration, width: render.width, height: render.height, fps: render.fps,
                                   frames: render.frames, sizeBytes: render.sizeBytes,
                                   measuredLoudness: render.measuredLoudness.map { ($0 * 100).rounded() / 100 },
                                   loudnessGain: render.loudnessGain.map { ($0 * 100).rounded() / 100 }, videoCopied: render.videoCopied,
                                   processingSeconds: (processing * 1000).rounded() / 1000)
        let info = VideoInfo(videoID: videoID, jobID: job, summary: summary, probe: probe,
                             timeline: try JSONValue(encoding: timeline), cuts: render.cuts, beats: render.beats,
                             createdAt: Timestamp.iso8601(Date().timeIntervalSince1970))
        let result = MergeResult(videoID: videoID, videoURL: "/api/mv/get_video/\(videoID)", info: summary,
                                 cuts: render.cuts, beats: render.beats)
        let video = VideoRecord(id: videoID, jobId: job, path: path, sizeBytes: render.sizeBytes,
                                info: JobEngine.json(info), createdAt: Date().timeIntervalSince1970)
        return (result, video)
    }
}

/// The result of a merge job: `{video_id, video_url, info, cuts}` (DESIGN.md), plus the beats used.
struct MergeResult: Codable {
    let videoID: String
    let videoURL: String
    let info: VideoSummary
    let cuts: [Double]
    let beats: [Double]

    enum CodingKeys: String, CodingKey {
        case videoID = "video_id", videoURL = "video_url", info, cuts, beats
    }
}

/// The rendered video in a few numbers.
struct VideoSummary: Codable {
    let duration: Double
    let width: Int
    let height: Int
    let fps: Double
    let frames: Int64
    let sizeBytes: Int64
    let measuredLoudness: Double?
    let loudnessGain: Double?
    let videoCopied: Bool
    let processingSeconds: Double

    enum CodingKeys: String, CodingKey {
        case duration, width, height, fps, frames, sizeBytes = "size_bytes", measuredLoudness = "measured_loudness"
        case loudnessGain = "loudness_gain", videoCopied = "video_copied", processingSeconds = "processing_seconds"
    }
}

/// `GET /api/mv/get_video/{id}/info`: the probe of the file, the timeline it was made
/// from, its cuts and beats, and how long it took.
struct VideoInfo: Codable {
    let videoID: String
    let jobID: String
    let summary: VideoSummary
    let probe: MediaInfo
    let timeline: JSONValue
    let cuts: [Double]
    let beats: [Double]
    let createdAt: String

    enum CodingKeys: String, CodingKey {
        case videoID = "video_id", jobID = "job_id", summary, probe, timeline, cuts, beats, createdAt = "created_at"
    }
}
