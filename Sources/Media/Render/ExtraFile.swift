import Foundation

/// One extra file a render wrote (`outputs`): what it is, where, and its measure.
public struct ExtraFile: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
        case poster, sprite
        case spriteIndex = "sprite_index"
        case preview, mp3
    }

    public let kind: Kind
    public let path: String
    /// The MIME type it is served as.
    public let contentType: String
    public let width: Int?
    public let height: Int?
    /// Seconds, for the preview and the mp3.
    public let duration: Double?
    public var sizeBytes: Int64

    public init(kind: Kind, path: String, contentType: String, width: Int? = nil, height: Int? = nil, duration: Double? = nil, sizeBytes: Int64 = 0) {
        self.kind = kind
        self.path = path
        self.contentType = contentType
        self.width = width
        self.height = height
        self.duration = duration
        self.sizeBytes = sizeBytes
    }

    enum CodingKeys: String, CodingKey {
        case kind, path
        case contentType = "content_type"
        case width, height, duration
        case sizeBytes = "size_bytes"
    }

    /// The file of `kind` beside a video whose path without extension is `stem`: `stem.NAME`
    /// with NAME one of `names` (`out.mp4` → `out.poster.jpg`, `out.sprite.jpg`, `out.sprite.vtt`,
    /// `out.preview.gif`, `out.audio.mp3`).
    public static func path(_ kind: Kind, stem: String, plan: RenderPlan.ExtraOutputsPlan) -> String {
        switch kind {
        case .poster: "\(stem).poster.\(plan.poster?.format == .webp ? "webp" : "jpg")"
        case .sprite: "\(stem).sprite.jpg"
        case .spriteIndex: "\(stem).sprite.vtt"
        case .preview: "\(stem).preview.\(plan.preview?.format == .webp ? "webp" : "gif")"
        case .mp3: "\(stem).audio.mp3"
        }
    }

    /// The MIME type a file of these is served as, from its name's extension.
    public static func contentType(ofName name: String) -> String {
        switch (name as NSString).pathExtension {
        case "jpg": "image/jpeg"
        case "webp": "image/webp"
        case "gif": "image/gif"
        case "vtt": "text/vtt; charset=utf-8"
        case "mp3": "audio/mpeg"
        default: "application/octet-stream"
        }
    }

    /// Every name an extra file can have after its video's stem.
    public static let names = ["poster.jpg", "poster.webp", "sprite.jpg", "sprite.vtt", "preview.gif", "preview.webp", "audio.mp3"]
}
