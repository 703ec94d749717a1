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
    /// Whether the beats are a pulse to cut on; false for free-time audio (pads, speech,
    /// noise), whose beats, if any, are a guess.
    public var pulse: Bool = true
    /// Where a cut sounds placed on purpose: the downbeats when there is a pulse, otherwise
    /// the strongest changes of harmony or loudness, at least two seconds apart.
    public var cutPoints: [Double] = []
    /// Downbeats where a new section starts (the harmony, loudness or texture changes for
    /// several bars); the song's start is not listed.
    public var sections: [Double] = []
    /// Loudness of each bar (one per downbeat), 0 for the quietest … 1 for the loudest.
    public var barEnergy: [Double] = []

    enum CodingKeys: String, CodingKey {
        case duration, tempo, beats, downbeats
        case beatsPerBar = "beats_per_bar"
        case confidence, pulse
        case cutPoints = "cut_points"
        case sections
        case barEnergy = "bar_energy"
    }

    static func noSteadyBeat(duration: Double, cutPoints: [Double] = []) -> BeatAnalysis {
        BeatAnalysis(
            duration: duration, tempo: 0, beats: [], downbeats: [], beatsPerBar: 4, confidence: 0, pulse: false,
            cutPoints: cutPoints)
    }
}

extension BeatAnalysis {
    /// Analyses stored before the structure fields existed still read.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        duration = try values.decode(Double.self, forKey: .duration)
        tempo = try values.decode(Double.self, forKey: .tempo)
        beats = try values.decode([Double].self, forKey: .beats)
        downbeats = try values.decode([Double].self, forKey: .downbeats)
        beatsPerBar = try values.decode(Int.self, forKey: .beatsPerBar)
        confidence = try values.decode(Double.self, forKey: .confidence)
        pulse = try values.decodeIfPresent(Bool.self, forKey: .pulse) ?? !beats.isEmpty
        cutPoints = try values.decodeIfPresent([Double].self, forKey: .cutPoints) ?? downbeats
        sections = try values.decodeIfPresent([Double].self, forKey: .sections) ?? []
        barEnergy = try values.decodeIfPresent([Double].self, forKey: .barEnergy) ?? []
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
