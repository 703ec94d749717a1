/// Every kind of job the server runs; the raw value is the `kind` of the API and the
/// database.
public enum JobKind: String, CaseIterable, Sendable {
    case mergeVideos = "merge_videos"
    case analyzeAudio = "analyze_audio"
    case createScenes = "create_scenes"
    case generateCharacterReference = "generate_character_reference"
    case generateVideo = "generate_video"
    case musicVideo = "music_video"
    /// One part of a chunked render (a chunk's video, or the whole sound), a child of the
    /// `merge_videos` or `music_video` job that planned it.
    case renderChunk = "render_chunk"

    /// True for kinds that spend their time waiting on generation providers; they run on
    /// workers of their own, so a clip generating upstream for minutes never holds a render.
    public var waitsOnProviders: Bool {
        switch self {
        case .mergeVideos, .analyzeAudio, .renderChunk: false
        case .createScenes, .generateCharacterReference, .generateVideo, .musicVideo: true
        }
    }
}
