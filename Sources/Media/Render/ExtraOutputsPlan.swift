extension RenderPlan {
    /// The extra files of a render (`outputs`), defaults filled in and placed in the video.
    public struct ExtraOutputsPlan: Sendable, Equatable, Codable {
        public struct Poster: Sendable, Equatable, Codable {
            public let format: PosterFormat
            public let time: Double
            public let width: Int
            public let height: Int
        }

        public struct Sprite: Sendable, Equatable, Codable {
            public let interval: Double
            public let count: Int
            public let columns: Int
            public let tileWidth: Int
            public let tileHeight: Int
            /// The video's length: the last cue ends there.
            public let duration: Double

            public var rows: Int { (count + columns - 1) / columns }

            /// Where tile `index` starts in the sheet, in pixels (rows of `columns` tiles).
            public func origin(of index: Int) -> (x: Int, y: Int) {
                ((index % columns) * tileWidth, (index / columns) * tileHeight)
            }
        }

        public struct Preview: Sendable, Equatable, Codable {
            public let format: PreviewFormat
            public let start: Double
            public let duration: Double
            public let width: Int
            public let height: Int
            public let fps: Int
        }

        public struct MP3: Sendable, Equatable, Codable {
            public let bitrate: Int
        }

        public var poster: Poster?
        public var sprite: Sprite?
        public var preview: Preview?
        public var mp3: MP3?

        public init() {}
    }
}
