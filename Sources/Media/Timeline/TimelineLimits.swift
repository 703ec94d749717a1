/// How much work one timeline may ask for. `.media` is the widest the renderer takes
/// (the command line: the operator renders what they like); a server passes tighter
/// limits for its callers, so one request cannot take a worker for days.
public struct TimelineLimits: Sendable, Equatable {
    /// Clips in one timeline.
    public var maxClips: Int
    /// Length of the rendered video, in seconds; also bounds fades and transitions.
    public var maxOutputSeconds: Double
    /// Output width × height × fps.
    public var maxPixelRate: Double
    /// The lowest crf allowed (lower is near-lossless and huge).
    public var minCRF: Int
    /// The slowest x264/x265 preset allowed (`TimelineLimits.presets` order).
    public var slowestPreset: String

    public init(maxClips: Int, maxOutputSeconds: Double, maxPixelRate: Double, minCRF: Int, slowestPreset: String) {
        self.maxClips = maxClips
        self.maxOutputSeconds = maxOutputSeconds
        self.maxPixelRate = maxPixelRate
        self.minCRF = minCRF
        self.slowestPreset = slowestPreset
    }

    /// What the renderer itself supports: 100 000 clips, 24 h, 4096² at 120 fps, every crf and preset.
    public static let media = TimelineLimits(
        maxClips: 100_000, maxOutputSeconds: TimelinePlanner.maxSeconds,
        maxPixelRate: Double(TimelinePlanner.maxOutputDimension * TimelinePlanner.maxOutputDimension)
            * TimelinePlanner.maxFrameRate,
        minCRF: 0, slowestPreset: "veryslow")

    /// x264/x265 presets, fastest first (the ones the renderer accepts).
    public static let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]

    /// Whether `preset` is no slower than `slowestPreset` (an unknown preset is reported elsewhere).
    func allows(preset: String) -> Bool {
        guard let index = Self.presets.firstIndex(of: preset), let slowest = Self.presets.firstIndex(of: slowestPreset) else { return true }
        return index <= slowest
    }
}
