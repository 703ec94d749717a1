/// A render split into chunks of output frames that separate workers encode on their
/// own and a join puts back together by stream copy. Codable: a job stores it, and each
/// child job renders its chunk from it with the very plan the parent made (the clip
/// paths are the parent's; `relocatingSources` maps them for another machine).
public struct ChunkPlan: Sendable, Equatable, Codable {
    public struct Chunk: Sendable, Equatable, Codable {
        /// What is at a chunk's first frame.
        public enum Boundary: String, Sendable, Equatable, Codable {
            /// The render's first frame.
            case start
            /// A join that is a hard cut: the chunk starts on a new clip.
            case cut
            /// Inside a clip: the chunk's encoder places its first keyframe there.
            case keyframe
        }

        public let index: Int
        /// Output frames [startFrame, endFrame) of the whole render.
        public let startFrame: Int64
        public let endFrame: Int64
        public let boundary: Boundary

        public init(index: Int, startFrame: Int64, endFrame: Int64, boundary: Boundary) {
            self.index = index
            self.startFrame = startFrame
            self.endFrame = endFrame
            self.boundary = boundary
        }

        public var frames: Range<Int64> { startFrame..<endFrame }
        public var frameCount: Int64 { endFrame - startFrame }
    }

    public let plan: RenderPlan
    /// The chunk length asked for (seconds); chunks are near it, and never split a transition.
    public let chunkSeconds: Double
    public let chunks: [Chunk]

    /// False when the render is one chunk: render it in one pass (`TimelineRenderer.render`).
    public var isChunked: Bool { chunks.count > 1 }

    /// The same plan with every clip and song path passed through `relocate`: how a worker
    /// on another machine points the plan at its local copies of the sources.
    public func relocatingSources(_ relocate: (String) throws(MediaError) -> String) throws(MediaError) -> ChunkPlan {
        var clips: [RenderPlan.ClipPlan] = []
        for clip in plan.clips {
            var moved = RenderPlan.ClipPlan(
                index: clip.index, path: try relocate(clip.path), info: clip.info, video: clip.video, mediaEnd: clip.mediaEnd,
                readStart: clip.readStart, readEnd: clip.readEnd, frozenHeadFrames: clip.frozenHeadFrames,
                frames: clip.frames, startFrame: clip.startFrame, volume: clip.volume)
            moved.still = clip.still
            clips.append(moved)
        }
        let soundtrack = try plan.soundtrack.map { song throws(MediaError) in
            RenderPlan.SoundtrackPlan(path: try song.path.map(relocate), info: song.info, settings: song.settings)
        }
        var moved = RenderPlan(
            width: plan.width, height: plan.height, frameRate: plan.frameRate, fit: plan.fit, background: plan.background,
            videoCodec: plan.videoCodec, audioCodec: plan.audioCodec, container: plan.container, crf: plan.crf,
            preset: plan.preset, audioBitrate: plan.audioBitrate, timing: plan.timing, clips: clips, joins: plan.joins,
            soundtrack: soundtrack)
        moved.beatGrid = plan.beatGrid
        moved.overlays = plan.overlays
        moved.captions = plan.captions
        moved.extras = plan.extras
        moved.voiceover = try plan.voiceover.map { voice throws(MediaError) in
            RenderPlan.VoiceOverPlan(path: try relocate(voice.path), info: voice.info, settings: voice.settings)
        }
        return ChunkPlan(plan: moved, chunkSeconds: chunkSeconds, chunks: chunks)
    }
}
