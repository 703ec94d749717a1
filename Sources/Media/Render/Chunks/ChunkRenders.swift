/// What rendering one chunk's video produced: the file a join takes.
public struct ChunkVideoRender: Sendable, Equatable, Codable {
    public var path: String
    public var index: Int
    public var startFrame: Int64
    public var endFrame: Int64
    public var sizeBytes: Int64
    public var elapsedSeconds: Double
}

/// What rendering a whole timeline's sound once produced: the file a join muxes, and
/// the loudness figures the render's result reports.
public struct SoundtrackRender: Sendable, Equatable, Codable {
    public var path: String
    /// Integrated loudness of the mix before normalization (LUFS), when measured.
    public var measuredLoudness: Double?
    /// Gain applied to reach the target (dB).
    public var loudnessGain: Double?
    public var sizeBytes: Int64
    public var elapsedSeconds: Double

    /// A sound file rendered elsewhere (its loudness figures, when known, go into the result).
    public init(path: String, measuredLoudness: Double? = nil, loudnessGain: Double? = nil, sizeBytes: Int64 = 0, elapsedSeconds: Double = 0) {
        self.path = path
        self.measuredLoudness = measuredLoudness
        self.loudnessGain = loudnessGain
        self.sizeBytes = sizeBytes
        self.elapsedSeconds = elapsedSeconds
    }
}
