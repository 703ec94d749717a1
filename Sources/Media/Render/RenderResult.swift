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
    /// Integrated loudness of the mix before normalization (LUFS), when measured.
    public var measuredLoudness: Double?
    /// Gain applied to reach the target (dB).
    public var loudnessGain: Double?
    public var elapsedSeconds: Double

    enum CodingKeys: String, CodingKey {
        case path, duration, frames, width, height, fps, sizeBytes = "size_bytes", cuts
        case measuredLoudness = "measured_loudness", loudnessGain = "loudness_gain", elapsedSeconds = "elapsed_seconds"
    }
}
