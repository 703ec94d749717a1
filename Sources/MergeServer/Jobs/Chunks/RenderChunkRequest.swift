import Foundation

/// The request of a `render_chunk` job: which part of its parent's chunk plan to render.
/// Only the parent makes these (they are not an API route); the plan itself is in the
/// parent's `ChunkFolder`, so every part renders from the very plan the parent made.
struct RenderChunkRequest: Codable, Sendable, Equatable {
    enum Part: String, Codable, Sendable {
        /// One chunk's video, no sound.
        case video
        /// The whole timeline's sound, once, no picture.
        case sound
    }

    let parentID: String
    let part: Part
    /// The chunk, for `video`.
    let index: Int?

    enum CodingKeys: String, CodingKey {
        case parentID = "parent_id"
        case part, index
    }

    static func video(_ index: Int, of parent: String) -> Self { Self(parentID: parent, part: .video, index: index) }
    static func sound(of parent: String) -> Self { Self(parentID: parent, part: .sound, index: nil) }

    /// The idempotency key of this part: one child per part of a parent, however often the parent runs.
    var idempotencyKey: String { "render_chunk:\(parentID):" + (index.map { "\(part.rawValue)-\($0)" } ?? part.rawValue) }

    var json: String { JobEngine.json(self) }
}

/// The result of a `render_chunk` job: what it rendered, for its parent's join and report.
struct RenderChunkResult: Codable, Sendable, Equatable {
    let part: RenderChunkRequest.Part
    let index: Int?
    /// Output frames [start_frame, end_frame) of the whole render (video parts).
    let startFrame: Int64?
    let endFrame: Int64?
    /// The sound's loudness before normalization and the gain applied (sound part).
    let measuredLoudness: Double?
    let loudnessGain: Double?
    let sizeBytes: Int64
    let elapsedSeconds: Double

    enum CodingKeys: String, CodingKey {
        case part, index
        case startFrame = "start_frame"
        case endFrame = "end_frame"
        case measuredLoudness = "measured_loudness"
        case loudnessGain = "loudness_gain"
        case sizeBytes = "size_bytes"
        case elapsedSeconds = "elapsed_seconds"
    }
}
