/// A song's beat grid, as `merge-server beats --json` prints it.
public struct BeatAnalysis: Sendable, Equatable, Codable {
    public var duration: Double
    /// Beats per minute (the median beat interval); 0 when no steady beat was found.
    public var tempo: Double
    /// Beat times in seconds.
    public var beats: [Double]
    /// The beats that start a bar.
    public var downbeats: [Double]
    public var beatsPerBar: Int
    /// 0 (no steady beat) … 1 (a clear, steady pulse).
    public var confidence: Double

    enum CodingKeys: String, CodingKey {
        case duration, tempo, beats, downbeats, beatsPerBar = "beats_per_bar", confidence
    }

    static func noSteadyBeat(duration: Double) -> BeatAnalysis {
        BeatAnalysis(duration: duration, tempo: 0, beats: [], downbeats: [], beatsPerBar: 4, confidence: 0)
    }
}

/// What the beat plot draws besides the beats: the waveform and the onset envelope.
public struct BeatAnalysisTrace: Sendable {
    public let frameRate: Double
    /// Peak magnitude per frame (0…1).
    public let waveform: [Float]
    /// Onset strength per frame, scaled to 0…1.
    public let onsetEnvelope: [Float]
}
