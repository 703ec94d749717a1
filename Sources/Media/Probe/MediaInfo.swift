/// What `probe` reports about a file. JSON keys are snake_case (see the README);
/// absent streams and unknown values are written as `null`, never left out.
public struct MediaInfo: Sendable, Equatable, Codable {
    public var path: String
    /// libavformat's format name, as ffprobe prints it ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm").
    public var format: String
    public var duration: Double?
    public var sizeBytes: Int64
    public var bitRate: Int64?
    public var video: VideoStreamInfo?
    public var audio: AudioStreamInfo?

    enum CodingKeys: String, CodingKey {
        case path, format, duration
        case sizeBytes = "size_bytes"
        case bitRate = "bit_rate"
        case video, audio
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(format, forKey: .format)
        try container.encode(duration, forKey: .duration)
        try container.encode(sizeBytes, forKey: .sizeBytes)
        try container.encode(bitRate, forKey: .bitRate)
        try container.encode(video, forKey: .video)
        try container.encode(audio, forKey: .audio)
    }

    /// A single still picture (PNG, JPEG or WebP): one frame of a still codec and no sound.
    public var isStillImage: Bool {
        guard let video, audio == nil else { return false }
        return ["png", "mjpeg", "webp"].contains(video.codec) && (video.frames ?? 1) <= 1
    }

    /// The video stream, or an error saying the file has none.
    public func requireVideo() throws(MediaError) -> VideoStreamInfo {
        guard let video else {
            let what = audio == nil ? "no video stream" : "no video stream (it is audio only)"
            throw MediaError(.noVideoStream, "\(path) has \(what); give a video file", path: path)
        }
        return video
    }

    /// The audio stream, or an error saying the file has none.
    public func requireAudio() throws(MediaError) -> AudioStreamInfo {
        guard let audio else {
            throw MediaError(.noAudioStream, "\(path) has no audio stream; give a file with sound", path: path)
        }
        return audio
    }
}

public struct VideoStreamInfo: Sendable, Equatable, Codable {
    public var codec: String
    public var profile: String?
    /// Stored (coded) picture size.
    public var width: Int
    public var height: Int
    /// The size a player shows: SAR applied to the width, then rotation applied.
    public var displayWidth: Int
    public var displayHeight: Int
    /// Clockwise degrees (0, 90, 180, 270) a player turns the picture, from the display matrix.
    public var rotation: Int
    /// Sample (pixel) aspect ratio as "num:den"; "1:1" when the file does not say.
    public var sar: String
    /// The stream's base frame rate (ffprobe's r_frame_rate).
    public var fps: Double?
    /// Frames divided by duration (ffprobe's avg_frame_rate).
    public var avgFps: Double?
    /// True when frame durations vary (variable frame rate).
    public var vfr: Bool
    public var pixFmt: String?
    /// Frame count from the container's index, when it has one.
    public var frames: Int64?
    /// The video stream's own length in seconds (the file's may be longer, e.g. by audio priming).
    public var duration: Double?

    enum CodingKeys: String, CodingKey {
        case codec, profile, width, height
        case displayWidth = "display_width"
        case displayHeight = "display_height"
        case rotation, sar, fps
        case avgFps = "avg_fps"
        case vfr
        case pixFmt = "pix_fmt"
        case frames, duration
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(codec, forKey: .codec)
        try container.encode(profile, forKey: .profile)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encode(displayWidth, forKey: .displayWidth)
        try container.encode(displayHeight, forKey: .displayHeight)
        try container.encode(rotation, forKey: .rotation)
        try container.encode(sar, forKey: .sar)
        try container.encode(fps, forKey: .fps)
        try container.encode(avgFps, forKey: .avgFps)
        try container.encode(vfr, forKey: .vfr)
        try container.encode(pixFmt, forKey: .pixFmt)
        try container.encode(frames, forKey: .frames)
        try container.encode(duration, forKey: .duration)
    }
}

public struct AudioStreamInfo: Sendable, Equatable, Codable {
    public var codec: String
    public var sampleRate: Int
    public var channels: Int
    /// Channel layout name ("stereo", "mono", "5.1(side)"), when known.
    public var layout: String?

    enum CodingKeys: String, CodingKey {
        case codec
        case sampleRate = "sample_rate"
        case channels, layout
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(codec, forKey: .codec)
        try container.encode(sampleRate, forKey: .sampleRate)
        try container.encode(channels, forKey: .channels)
        try container.encode(layout, forKey: .layout)
    }
}
