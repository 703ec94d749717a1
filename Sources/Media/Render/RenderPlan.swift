/// A validated timeline turned into frame and sample counts: what every clip
/// contributes and where, so the video and audio paths cut at the same instants.
/// Codable, so a chunked render's child jobs get the very plan the parent made.
public struct RenderPlan: Sendable, Equatable, Codable {
    public struct ClipPlan: Sendable, Equatable, Codable {
        public let index: Int
        public let path: String
        public let info: MediaInfo
        public let video: VideoStreamInfo
        /// Where the picture ends: the video stream's length, else the file's.
        public let mediaEnd: Double
        /// Seconds of the source read: [readStart, readEnd).
        public let readStart: Double
        public let readEnd: Double
        /// Frames of frozen first picture before the media starts (preserve mode, when
        /// the clip has no media before its `in`).
        public let frozenHeadFrames: Int64
        /// Frames this clip contributes, transition overlaps included.
        public let frames: Int64
        /// Output frame where the clip starts.
        public let startFrame: Int64
        public let volume: Double
        /// A still image: its media is `still.duration` seconds of the picture in motion.
        public var still: StillPlan? = nil
    }

    /// A still image clip: the picture decoded once, fitted, then moved by a per-frame
    /// sub-pixel crop over `duration` seconds of virtual media.
    public struct StillPlan: Sendable, Equatable, Codable {
        public let duration: Double
        public let motion: StillMotion
        public let strength: Double
    }

    /// A text overlay in output seconds: visible on frames whose time is in [start, end).
    public struct OverlayPlan: Sendable, Equatable, Codable {
        public let text: String
        public let start: Double
        public let end: Double
        public let position: String
        public let size: Int
        public let color: String
        public let box: Bool
        public let fade: Double
    }

    /// Captions in output seconds, cut to the video's length.
    public struct CaptionPlan: Sendable, Equatable, Codable {
        public let cues: [CaptionCue]
        public let burn: Bool
        /// Burned: font size in pixels, and `bottom` or `top`.
        public let size: Int
        public let position: String

        /// Burned captions as texts to draw: white on a translucent box.
        var burnedTexts: [OverlayPlan] {
            guard burn else { return [] }
            return cues.map { cue in
                OverlayPlan(text: cue.text, start: cue.start, end: cue.end, position: position, size: size, color: "white", box: true, fade: 0)
            }
        }
    }

    public struct JoinPlan: Sendable, Equatable, Codable {
        /// An xfade transition name, or "cut".
        public let transition: String
        /// Frames the two clips overlap (0 for a cut).
        public let frames: Int64
    }

    public struct SoundtrackPlan: Sendable, Equatable, Codable {
        public let path: String?
        public let info: MediaInfo?
        public let settings: Soundtrack
    }

    /// The voice-over's file and settings (its start in output seconds).
    public struct VoiceOverPlan: Sendable, Equatable, Codable {
        public let path: String
        public let info: MediaInfo
        public let settings: VoiceOver
    }

    public let width: Int
    public let height: Int
    public let frameRate: FrameRate
    public let fit: FitMode
    public let background: String
    public let videoCodec: VideoCodec
    public let audioCodec: AudioCodec
    public let container: ContainerFormat
    public let crf: Int
    public let preset: String
    public let audioBitrate: Int
    public let timing: TimingMode
    public let clips: [ClipPlan]
    public let joins: [JoinPlan]
    public let soundtrack: SoundtrackPlan?
    /// With beat sync: the beats (or downbeats) in output seconds the joins were snapped to.
    public internal(set) var beatGrid: [Double] = []
    /// Text drawn over the output, the clips' overlays moved to output time.
    public internal(set) var overlays: [OverlayPlan] = []
    public internal(set) var captions: CaptionPlan? = nil
    /// A voice mixed over the soundtrack, which is ducked under it.
    public internal(set) var voiceover: VoiceOverPlan? = nil
    /// More files made from the finished video (`outputs`); `ExtraOutputWriter` writes them.
    public internal(set) var extras: ExtraOutputsPlan? = nil

    public static let sampleRate: Int64 = 48_000

    public var totalFrames: Int64 { (clips.last.map { $0.startFrame + $0.frames }) ?? 0 }
    public var duration: Double { Double(totalFrames) / frameRate.value }

    /// The audio sample where output frame `frame` starts; rounding each boundary from
    /// the frame count (not adding rounded lengths) keeps audio from drifting.
    public func sample(atFrame frame: Int64) -> Int64 {
        let numerator = frame * Self.sampleRate * Int64(frameRate.denominator)
        return (numerator + Int64(frameRate.numerator) / 2) / Int64(frameRate.numerator)
    }

    public var totalSamples: Int64 { sample(atFrame: totalFrames) }

    /// Output times (seconds) of every join: in preserve mode where the hard cut would be
    /// (the next clip's `in`), in overlap mode the middle of the transition.
    public var cutTimes: [Double] {
        joins.indices.map { index in
            let next = Double(clips[index + 1].startFrame)
            let frames = joins[index].frames
            let offset = timing == .preserve ? Double(frames / 2) : Double(frames) / 2
            return (next + offset) / frameRate.value
        }
    }
}
