import Foundation
import Generation
import Media

/// The result of a merge job: `{video_id, video_url, info, cuts}` (README, "Routes"), plus the beats used.
struct MergeResult: Codable {
    let videoID: String
    let videoURL: String
    let info: VideoSummary
    let cuts: [Double]
    let beats: [Double]
    /// A render made as child jobs: its chunks (absent for a one-pass render).
    var chunks: [ChunkedJobRenders.Report]? = nil
    /// The extra files asked for with `outputs`, by kind (poster, sprite, sprite_index, preview, mp3).
    var outputs: [String: OutputFileLink]? = nil

    enum CodingKeys: String, CodingKey {
        case videoID = "video_id"
        case videoURL = "video_url"
        case info, cuts, beats, chunks, outputs
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
        case duration, width, height, fps, frames
        case sizeBytes = "size_bytes"
        case measuredLoudness = "measured_loudness"
        case loudnessGain = "loudness_gain"
        case videoCopied = "video_copied"
        case processingSeconds = "processing_seconds"
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
        case videoID = "video_id"
        case jobID = "job_id"
        case summary, probe, timeline, cuts, beats
        case createdAt = "created_at"
    }
}
