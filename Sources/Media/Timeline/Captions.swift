/// Captions or lyrics over a render: an SRT or WebVTT file (`source`) or inline `cues`,
/// burned into the picture or carried as a soft subtitle track (mov_text in MP4/MOV,
/// WebVTT in WebM, SubRip in MKV).
public struct Captions: Sendable, Equatable, Codable {
    /// An SRT or WebVTT file: a path for the CLI, an asset id for the server.
    public var source: String?
    /// Cues given inline, in output seconds (instead of `source`).
    public var cues: [CaptionCue]?
    /// true: drawn into the picture; false: a subtitle track players can switch on.
    public var burn: Bool
    /// Burned captions: font size in output pixels; nil: a eighteenth of the output height.
    public var size: Int?
    /// Burned captions: `bottom` or `top`.
    public var position: String

    public init(source: String? = nil, cues: [CaptionCue]? = nil, burn: Bool = true, size: Int? = nil, position: String = "bottom") {
        self.source = source
        self.cues = cues
        self.burn = burn
        self.size = size
        self.position = position
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case source, cues, burn, size, position }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decodeIfPresent(String.self, forKey: .source)
        cues = try container.decodeIfPresent([CaptionCue].self, forKey: .cues)
        burn = try container.decodeIfPresent(Bool.self, forKey: .burn) ?? true
        size = try container.decodeWholeNumberIfPresent(forKey: .size)
        position = try container.decodeIfPresent(String.self, forKey: .position) ?? "bottom"
    }
}

/// One caption: its text on screen for output seconds [start, end).
public struct CaptionCue: Sendable, Equatable, Codable {
    public var start: Double
    public var end: Double
    public var text: String

    public init(start: Double, end: Double, text: String) {
        self.start = start
        self.end = end
        self.text = text
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case start, end, text }
}
