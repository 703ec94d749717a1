/// What a render produced.
public struct RenderResult: Sendable, Equatable, Codable {
    public var path: String
    public var duration: Double
    public var frames: Int64
    public var width: Int
    public var height: Int
    public var fps: Double
    public var sizeBytes: Int64
    /// Output times (s) of every join: the cut, or the middle of its transition.
    public var cuts: [Double]
    /// With beat sync: the grid (beats or downbeats, output seconds) the cuts were snapped to.
    public var beats: [Double]
    /// Integrated loudness of the mix before normalization (LUFS), when measured.
    public var measuredLoudness: Double?
    /// Gain applied to reach the target (dB).
    public var loudnessGain: Double?
    /// True when the video packets were copied (the fast path) instead of re-encoded.
    public var videoCopied: Bool
    public var elapsedSeconds: Double
    /// How many chunks the video was rendered in, for a chunked render (nil: one pass).
    public var chunks: Int?
    /// The extra files written from it (`outputs`), when asked for.
    public var outputs: [ExtraFile]? = nil
    /// The extra files the plan asks for (`ExtraOutputWriter` makes them from this render); not encoded.
    public var extras: RenderPlan.ExtraOutputsPlan? = nil

    enum CodingKeys: String, CodingKey {
        case path, duration, frames, width, height, fps
        case sizeBytes = "size_bytes"
        case cuts, beats
        case measuredLoudness = "measured_loudness"
        case loudnessGain = "loudness_gain"
        case videoCopied = "video_copied"
        case elapsedSeconds = "elapsed_seconds"
        case chunks, outputs
    }
}
