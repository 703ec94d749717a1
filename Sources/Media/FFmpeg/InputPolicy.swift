import Foundation

/// What Media agrees to open: the containers and still images the API promises, from
/// local files only. Playlists, concat scripts, image sequences and manifests make
/// FFmpeg read other files or URLs named inside them (a private file, a live stream
/// that never ends), so they are refused — by content first, for a clear message, and
/// by FFmpeg's format and protocol whitelists, so an indirection this check does not
/// know still cannot open.
enum InputPolicy {
    /// FFmpeg demuxer names; each matches any name of a demuxer ("mov" = mov,mp4,m4a,...).
    /// Single images only through the `*_pipe` demuxers: `image2` reads sequences.
    static let formatWhitelist = "mov,matroska,mp3,wav,flac,ogg,aac,mpegts,avi,png_pipe,jpeg_pipe,webp_pipe"
    static let protocolWhitelist = "file"
    static let acceptedFormats = "mp4/mov/m4a, mkv/webm, mp3, wav, flac, ogg, aac, mpeg-ts, avi, png, jpeg or webp"

    /// The demuxer of a PNG, JPEG or WebP, from the file's first bytes; nil for anything else.
    static func stillImageDemuxer(head: [UInt8]) -> String? {
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png_pipe" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpeg_pipe" }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) { return "webp_pipe" }
        return nil
    }

    /// The options of every `avformat_open_input`.
    static var openOptions: [String: String] {
        [
            "format_whitelist": formatWhitelist,
            "protocol_whitelist": protocolWhitelist,
            "probesize": String(MediaLimits.probeSizeBytes),
            "analyzeduration": String(MediaLimits.analyzeDurationMicroseconds),
        ]
    }

    /// Throws when the file's first bytes are a playlist or script that names other media.
    static func refuseIndirection(head: [UInt8], path: String) throws(MediaError) {
        guard let what = indirection(in: head) else { return }
        throw MediaError(
            .unsupported,
            "\(path) is \(what), which points FFmpeg at other files or URLs; upload the media file itself",
            path: path)
    }

    /// What kind of indirection `head` starts, or nil for anything else.
    static func indirection(in head: [UInt8]) -> String? {
        let text = String(decoding: head.prefix(4096), as: UTF8.self)
        let trimmed = text.drop { $0 == "\u{FEFF}" || $0.isWhitespace }
        // Tags anywhere count only in text: every container has NUL bytes in its first kilobytes.
        let isText = !head.prefix(4096).contains(0)
        if trimmed.hasPrefix("#EXTM3U") || isText && (text.contains("#EXT-X-") || text.contains("#EXTINF:")) {
            return "an HLS playlist (m3u8)"
        }
        if trimmed.hasPrefix("ffconcat version") { return "an ffconcat script" }
        if trimmed.hasPrefix("<?xml") || trimmed.hasPrefix("<MPD"), text.contains("<MPD") { return "a DASH manifest (mpd)" }
        if trimmed.hasPrefix("v=0"), text.contains("\nm=") { return "an SDP session description" }
        return nil
    }

    /// The error for an input FFmpeg identified as a format outside the whitelist.
    static func refusedFormat(path: String, ffmpegMessage: String) -> MediaError {
        let name = (path as NSString).lastPathComponent
        let pattern = name.contains("%") || name.contains("*") || name.contains("?") || name.contains("{")
        let hint = pattern ? " (its name looks like an image-sequence pattern; give one file)" : ""
        return MediaError(
            .notMedia,
            "\(path) is not a media file the server reads\(hint); give \(acceptedFormats)",
            path: path, ffmpegMessage: ffmpegMessage)
    }
}
