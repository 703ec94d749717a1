/// A second audio track laid over the soundtrack from output second `start`: the rest of
/// the mix (song and clip audio) is ducked under it by a sidechain compressor keyed by the
/// voice, then the loudness target (`audio.loudness`) applies to the whole mix.
public struct VoiceOver: Sendable, Equatable, Codable {
    /// An asset id (server), a path (command line) or an https URL; any file with sound.
    public var source: String
    /// Output seconds where the voice begins.
    public var start: Double
    /// Gain for the voice.
    public var volume: Double
    /// How the rest of the mix makes room for the voice.
    public var ducking: Ducking

    public init(source: String, start: Double = 0, volume: Double = 1, ducking: Ducking = Ducking()) {
        self.source = source
        self.start = start
        self.volume = volume
        self.ducking = ducking
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case source, start, volume, ducking }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        start = try container.decodeIfPresent(Double.self, forKey: .start) ?? 0
        volume = try container.decodeIfPresent(Double.self, forKey: .volume) ?? 1
        ducking = try container.decodeIfPresent(Ducking.self, forKey: .ducking) ?? Ducking()
    }
}

/// Sidechain ducking: while the voice is present (its envelope above −40 dBFS, fully at
/// −30 dBFS) the rest of the mix is turned down by `depth` dB; the gain falls with the
/// `attack` time constant and comes back with the `release` one.
public struct Ducking: Sendable, Equatable, Codable {
    /// dB the music drops under the voice.
    public var depth: Double
    /// Seconds (time constant) for the drop.
    public var attack: Double
    /// Seconds (time constant) for the recovery after the voice stops.
    public var release: Double

    public static let defaultDepth = 12.0
    public static let defaultAttack = 0.05
    public static let defaultRelease = 0.5

    public init(depth: Double = Ducking.defaultDepth, attack: Double = Ducking.defaultAttack, release: Double = Ducking.defaultRelease) {
        self.depth = depth
        self.attack = attack
        self.release = release
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case depth, attack, release }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        depth = try container.decodeIfPresent(Double.self, forKey: .depth) ?? Self.defaultDepth
        attack = try container.decodeIfPresent(Double.self, forKey: .attack) ?? Self.defaultAttack
        release = try container.decodeIfPresent(Double.self, forKey: .release) ?? Self.defaultRelease
    }
}
