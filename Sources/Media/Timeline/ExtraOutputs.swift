/// More files made from one render (`"outputs"`): a poster, a thumbnail sprite with its
/// WebVTT index, a short animated preview, an audio-only mp3. Each is made from the
/// finished video, decoding only the frames (or the audio) it needs.
public struct ExtraOutputs: Sendable, Equatable, Codable {
    public var poster: PosterOutput?
    public var sprite: SpriteOutput?
    public var preview: PreviewOutput?
    public var mp3: MP3Output?

    public init(poster: PosterOutput? = nil, sprite: SpriteOutput? = nil, preview: PreviewOutput? = nil, mp3: MP3Output? = nil) {
        self.poster = poster
        self.sprite = sprite
        self.preview = preview
        self.mp3 = mp3
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case poster, sprite, preview, mp3 }

    public var isEmpty: Bool { poster == nil && sprite == nil && preview == nil && mp3 == nil }
}

public enum PosterFormat: String, Sendable, Equatable, Codable, CaseIterable { case jpeg, webp }
public enum PreviewFormat: String, Sendable, Equatable, Codable, CaseIterable { case gif, webp }

/// One picture of the video.
public struct PosterOutput: Sendable, Equatable, Codable {
    public var format: PosterFormat
    /// Output seconds; nil: the middle of the first clip.
    public var time: Double?
    /// Pixels (the height keeps the aspect); nil: the video's width.
    public var width: Int?

    public init(format: PosterFormat = .jpeg, time: Double? = nil, width: Int? = nil) {
        self.format = format
        self.time = time
        self.width = width
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case format, time, width }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decodeIfPresent(PosterFormat.self, forKey: .format) ?? .jpeg
        time = try container.decodeIfPresent(Double.self, forKey: .time)
        width = try container.decodeWholeNumberIfPresent(forKey: .width)
    }
}

/// Thumbnails every `interval` seconds in one JPEG grid, and a WebVTT file that maps
/// each interval to its tile (`sprite.jpg#xywh=x,y,w,h`), for scrubbing previews.
public struct SpriteOutput: Sendable, Equatable, Codable {
    /// Seconds between thumbnails; nil: the video's length over 100, at least 1.
    public var interval: Double?
    public var columns: Int
    /// Tile width in pixels (the height keeps the aspect).
    public var width: Int

    public init(interval: Double? = nil, columns: Int = 10, width: Int = 160) {
        self.interval = interval
        self.columns = columns
        self.width = width
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case interval, columns, width }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        interval = try container.decodeIfPresent(Double.self, forKey: .interval)
        columns = try container.decodeWholeNumberIfPresent(forKey: .columns) ?? 10
        width = try container.decodeWholeNumberIfPresent(forKey: .width) ?? 160
    }
}

/// A short, small, silent animation of part of the video.
public struct PreviewOutput: Sendable, Equatable, Codable {
    public var format: PreviewFormat
    /// Output seconds where it starts.
    public var start: Double
    /// Seconds; nil: 3, or the video's length if shorter.
    public var duration: Double?
    public var width: Int
    public var fps: Int

    public init(format: PreviewFormat = .gif, start: Double = 0, duration: Double? = nil, width: Int = 320, fps: Int = 10) {
        self.format = format
        self.start = start
        self.duration = duration
        self.width = width
        self.fps = fps
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case format, start, duration, width, fps }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decodeIfPresent(PreviewFormat.self, forKey: .format) ?? .gif
        start = try container.decodeIfPresent(Double.self, forKey: .start) ?? 0
        duration = try container.decodeIfPresent(Double.self, forKey: .duration)
        width = try container.decodeWholeNumberIfPresent(forKey: .width) ?? 320
        fps = try container.decodeWholeNumberIfPresent(forKey: .fps) ?? 10
    }
}

/// The render's audio alone, as MP3 (libmp3lame).
public struct MP3Output: Sendable, Equatable, Codable {
    public var bitrate: Int

    public init(bitrate: Int = 192_000) { self.bitrate = bitrate }

    enum CodingKeys: String, CodingKey, CaseIterable { case bitrate }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        bitrate = try container.decodeWholeNumberIfPresent(forKey: .bitrate) ?? 192_000
    }
}
