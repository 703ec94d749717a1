/// The output containers MergeServer writes, and which codecs each may hold.
public enum ContainerFormat: String, Sendable, CaseIterable, Codable {
    case mp4, mov, mkv, webm

    /// The container named by a file's extension, or an error listing the valid ones.
    public init(forPath path: String) throws(MediaError) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), let format = ContainerFormat(rawValue: name[name.index(after: dot)...].lowercased()) else {
            throw MediaError(
                .invalidArgument,
                "cannot tell the container from '\(name)'; end the output name with one of \(Self.allCases.map { "." + $0.rawValue }.joined(separator: " "))",
                path: path)
        }
        self = format
    }

    /// libavformat's muxer name.
    var muxerName: String {
        switch self {
        case .mp4: "mp4"
        case .mov: "mov"
        case .mkv: "matroska"
        case .webm: "webm"
        }
    }

    public var defaultAudioCodec: AudioCodec { self == .webm ? .opus : .aac }
    public var defaultVideoCodec: VideoCodec { self == .webm ? .vp9 : .h264 }

    public func allows(_ codec: VideoCodec) -> Bool { self != .webm || codec == .vp9 }
    public func allows(_ codec: AudioCodec) -> Bool { self != .webm || codec == .opus }

    /// Options for `avformat_write_header`: mp4/mov put the index first so players
    /// and browsers can start before the whole file has arrived.
    var muxerOptions: [String: String] {
        switch self {
        case .mp4, .mov: ["movflags": "+faststart"]
        case .mkv, .webm: [:]
        }
    }
}

public enum VideoCodec: String, Sendable, CaseIterable, Codable {
    case h264, hevc, vp9

    var encoderName: String {
        switch self {
        case .h264: "libx264"
        case .hevc: "libx265"
        case .vp9: "libvpx-vp9"
        }
    }

    public var displayName: String {
        switch self {
        case .h264: "H.264"
        case .hevc: "HEVC"
        case .vp9: "VP9"
        }
    }
}

public enum AudioCodec: String, Sendable, CaseIterable, Codable {
    case aac, opus

    var encoderName: String {
        switch self {
        case .aac: "aac"
        case .opus: "libopus"
        }
    }
}
