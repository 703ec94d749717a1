/// A render request: the body of `merge_videos` and the file of `render --timeline`.
/// JSON keys are snake_case; every field but `clips` has a default (the README, "Timeline").
public struct Timeline: Sendable, Equatable, Codable {
    public var clips: [Clip]
    /// Applies to every join unless `transitions` gives one per join.
    public var transition: Transition?
    public var transitions: [Transition]?
    public var timing: TimingMode
    public var audio: Soundtrack?
    public var beatSync: BeatSync?
    public var output: OutputSettings
    /// Text drawn over the video, times in output seconds.
    public var overlays: [TextOverlay]?
    /// Captions or lyrics, burned in or as a subtitle track.
    public var captions: Captions?
    /// A voice mixed over the soundtrack, which is ducked under it.
    public var voiceover: VoiceOver?
    /// More files from the same render: poster, sprite, preview, mp3.
    public var outputs: ExtraOutputs?

    public init(
        clips: [Clip], transition: Transition? = nil, transitions: [Transition]? = nil,
        timing: TimingMode = .overlap, audio: Soundtrack? = nil, beatSync: BeatSync? = nil,
        output: OutputSettings = OutputSettings(), overlays: [TextOverlay]? = nil, captions: Captions? = nil
    ) {
        self.clips = clips
        self.transition = transition
        self.transitions = transitions
        self.timing = timing
        self.audio = audio
        self.beatSync = beatSync
        self.output = output
        self.overlays = overlays
        self.captions = captions
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case clips, transition, transitions, timing, audio
        case beatSync = "beat_sync"
        case output, overlays, captions
        case voiceover, outputs
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clips = try container.decode([Clip].self, forKey: .clips)
        transition = try container.decodeIfPresent(Transition.self, forKey: .transition)
        transitions = try container.decodeIfPresent([Transition].self, forKey: .transitions)
        timing = try container.decodeIfPresent(TimingMode.self, forKey: .timing) ?? .overlap
        audio = try container.decodeIfPresent(Soundtrack.self, forKey: .audio)
        beatSync = try container.decodeIfPresent(BeatSync.self, forKey: .beatSync)
        output = try container.decodeIfPresent(OutputSettings.self, forKey: .output) ?? OutputSettings()
        overlays = try container.decodeIfPresent([TextOverlay].self, forKey: .overlays)
        captions = try container.decodeIfPresent(Captions.self, forKey: .captions)
        voiceover = try container.decodeIfPresent(VoiceOver.self, forKey: .voiceover)
        outputs = try container.decodeIfPresent(ExtraOutputs.self, forKey: .outputs)
    }

    /// The transition of join `index` (between clip `index` and `index + 1`).
    public func transition(atJoin index: Int) -> Transition {
        if let transitions, index < transitions.count { return transitions[index] }
        return transition ?? .cut
    }
}

public struct Clip: Sendable, Equatable, Codable {
    /// An asset id (server), a path (command line) or an https URL.
    public var source: String
    /// Seconds into the source where the clip starts.
    public var `in`: Double
    /// Seconds into the source where it ends; nil means the end of the media.
    public var out: Double?
    /// Gain for the clip's own audio.
    public var volume: Double
    /// A still image's length in seconds (required for an image, refused for a video).
    public var duration: Double?
    /// How a still image moves (refused for a video); nil is `none`.
    public var motion: StillMotion?
    /// How far it moves: the zoom grows by this fraction (0…1); nil is 0.1.
    public var motionStrength: Double?
    /// Text drawn over this clip, times in seconds from the clip's first output frame.
    public var overlays: [TextOverlay]?

    public static let defaultMotionStrength = 0.1

    public init(
        source: String, in start: Double = 0, out: Double? = nil, volume: Double = 1, duration: Double? = nil,
        motion: StillMotion? = nil, motionStrength: Double? = nil, overlays: [TextOverlay]? = nil
    ) {
        self.source = source
        self.in = start
        self.out = out
        self.volume = volume
        self.duration = duration
        self.motion = motion
        self.motionStrength = motionStrength
        self.overlays = overlays
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case source, `in`, out, volume, duration, motion
        case motionStrength = "motion_strength"
        case overlays
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        self.in = try container.decodeIfPresent(Double.self, forKey: .in) ?? 0
        out = try container.decodeIfPresent(Double.self, forKey: .out)
        volume = try container.decodeIfPresent(Double.self, forKey: .volume) ?? 1
        duration = try container.decodeIfPresent(Double.self, forKey: .duration)
        motion = try container.decodeIfPresent(StillMotion.self, forKey: .motion)
        motionStrength = try container.decodeIfPresent(Double.self, forKey: .motionStrength)
        overlays = try container.decodeIfPresent([TextOverlay].self, forKey: .overlays)
    }
}

/// How a still image clip moves: a slow zoom, or a pan across the picture zoomed in by
/// `1 + motion_strength` (the view travels in the named direction).
public enum StillMotion: String, Sendable, Equatable, Codable, CaseIterable {
    case none
    case zoomIn = "zoom_in"
    case zoomOut = "zoom_out"
    case panLeft = "pan_left"
    case panRight = "pan_right"
    case panUp = "pan_up"
    case panDown = "pan_down"
}

/// Text drawn over the video between `start` and `end` (drawtext, the text set as an option value).
public struct TextOverlay: Sendable, Equatable, Codable {
    public var text: String
    /// Seconds (of the output, or of the clip for a clip's overlay).
    public var start: Double
    /// nil: to the end of the video (or of the clip).
    public var end: Double?
    /// `top`, `center`, `bottom`, or `X,Y`: the text's top-left corner as fractions (0…1) of the frame.
    public var position: String
    /// Font size in output pixels; nil: a twentieth of the output height.
    public var size: Int?
    public var color: String
    /// A translucent black box behind the text.
    public var box: Bool
    /// Seconds of fade in at the start and fade out at the end.
    public var fade: Double

    public init(
        text: String, start: Double = 0, end: Double? = nil, position: String = "bottom", size: Int? = nil,
        color: String = "white", box: Bool = false, fade: Double = 0
    ) {
        self.text = text
        self.start = start
        self.end = end
        self.position = position
        self.size = size
        self.color = color
        self.box = box
        self.fade = fade
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case text, start, end, position, size, color, box, fade }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        start = try container.decodeIfPresent(Double.self, forKey: .start) ?? 0
        end = try container.decodeIfPresent(Double.self, forKey: .end)
        position = try container.decodeIfPresent(String.self, forKey: .position) ?? "bottom"
        size = try container.decodeWholeNumberIfPresent(forKey: .size)
        color = try container.decodeIfPresent(String.self, forKey: .color) ?? "white"
        box = try container.decodeIfPresent(Bool.self, forKey: .box) ?? false
        fade = try container.decodeIfPresent(Double.self, forKey: .fade) ?? 0
    }
}

public struct Transition: Sendable, Equatable, Codable {
    /// `cut` or an FFmpeg xfade transition name.
    public var type: String
    public var duration: Double

    public static let cut = Transition(type: "cut", duration: 0)
    public static let defaultDuration = 0.5

    public init(type: String, duration: Double? = nil) {
        self.type = type
        self.duration = type == "cut" ? 0 : (duration ?? Self.defaultDuration)
    }

    public var isCut: Bool { type == "cut" || duration == 0 }

    enum CodingKeys: String, CodingKey, CaseIterable { case type, duration }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            type: try container.decode(String.self, forKey: .type),
            duration: try container.decodeIfPresent(Double.self, forKey: .duration))
    }

    /// Every xfade transition of FFmpeg 5.1 (`custom` and `expr` need expressions, so they are left out).
    public static let xfadeTypes: [String] = [
        "fade", "wipeleft", "wiperight", "wipeup", "wipedown", "slideleft", "slideright", "slideup", "slidedown",
        "circlecrop", "rectcrop", "distance", "fadeblack", "fadewhite", "radial", "smoothleft", "smoothright",
        "smoothup", "smoothdown", "circleopen", "circleclose", "vertopen", "vertclose", "horzopen", "horzclose",
        "dissolve", "pixelize", "diagtl", "diagtr", "diagbl", "diagbr", "hlslice", "hrslice", "vuslice", "vdslice",
        "hblur", "fadegrays", "wipetl", "wipetr", "wipebl", "wipebr", "squeezeh", "squeezev", "zoomin",
        "fadefast", "fadeslow",
    ]

    public static let validTypes = ["cut"] + xfadeTypes
}

public enum TimingMode: String, Sendable, Equatable, Codable, CaseIterable {
    /// A transition overlaps the two clips: total = Σclips − Σtransitions.
    case overlap
    /// Every join stays where a hard cut would put it; each side gives half: total = Σclips.
    case preserve
}

public enum ClipAudioMode: String, Sendable, Equatable, Codable, CaseIterable {
    case mute, mix, duck
}

public struct Soundtrack: Sendable, Equatable, Codable {
    /// The song; nil keeps only the clips' audio (still normalized to `loudness`).
    public var source: String?
    /// Seconds into the song where the soundtrack starts.
    public var start: Double
    public var volume: Double
    public var fadeIn: Double
    public var fadeOut: Double
    public var loop: Bool
    public var clipAudio: ClipAudioMode
    public var clipAudioVolume: Double
    /// Target integrated loudness (LUFS); nil turns normalization off.
    public var loudness: Double?
    /// Ceiling for the true peak (dBTP).
    public var truePeak: Double

    public static let defaultLoudness = -14.0

    public init(
        source: String? = nil, start: Double = 0, volume: Double = 1, fadeIn: Double = 0,
        fadeOut: Double = 1, loop: Bool = false, clipAudio: ClipAudioMode = .mute,
        clipAudioVolume: Double = 1, loudness: Double? = Soundtrack.defaultLoudness, truePeak: Double = -1
    ) {
        self.source = source
        self.start = start
        self.volume = volume
        self.fadeIn = fadeIn
        self.fadeOut = fadeOut
        self.loop = loop
        self.clipAudio = clipAudio
        self.clipAudioVolume = clipAudioVolume
        self.loudness = loudness
        self.truePeak = truePeak
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case source, start, volume
        case fadeIn = "fade_in"
        case fadeOut = "fade_out"
        case loop
        case clipAudio = "clip_audio"
        case clipAudioVolume = "clip_audio_volume"
        case loudness
        case truePeak = "true_peak"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decodeIfPresent(String.self, forKey: .source)
        start = try container.decodeIfPresent(Double.self, forKey: .start) ?? 0
        volume = try container.decodeIfPresent(Double.self, forKey: .volume) ?? 1
        fadeIn = try container.decodeIfPresent(Double.self, forKey: .fadeIn) ?? 0
        fadeOut = try container.decodeIfPresent(Double.self, forKey: .fadeOut) ?? 1
        loop = try container.decodeIfPresent(Bool.self, forKey: .loop) ?? false
        // Without a song the clips' audio is the soundtrack, so it is mixed in by default.
        clipAudio = try container.decodeIfPresent(ClipAudioMode.self, forKey: .clipAudio) ?? (source == nil ? .mix : .mute)
        clipAudioVolume = try container.decodeIfPresent(Double.self, forKey: .clipAudioVolume) ?? 1
        // An explicit null turns normalization off; a missing key means the default.
        if container.contains(.loudness) {
            loudness = try container.decodeNil(forKey: .loudness) ? nil : try container.decode(Double.self, forKey: .loudness)
        } else {
            loudness = Self.defaultLoudness
        }
        truePeak = try container.decodeIfPresent(Double.self, forKey: .truePeak) ?? -1
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(start, forKey: .start)
        try container.encode(volume, forKey: .volume)
        try container.encode(fadeIn, forKey: .fadeIn)
        try container.encode(fadeOut, forKey: .fadeOut)
        try container.encode(loop, forKey: .loop)
        try container.encode(clipAudio, forKey: .clipAudio)
        try container.encode(clipAudioVolume, forKey: .clipAudioVolume)
        try container.encode(loudness, forKey: .loudness)
        try container.encode(truePeak, forKey: .truePeak)
    }
}

public struct BeatSync: Sendable, Equatable, Codable {
    public enum Mode: String, Sendable, Equatable, Codable { case beat, downbeat, off }
    public var mode: Mode
    public var every: Int
    public var maxShift: Double

    public init(mode: Mode = .off, every: Int = 1, maxShift: Double = 0.25) {
        self.mode = mode
        self.every = every
        self.maxShift = maxShift
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mode, every
        case maxShift = "max_shift"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mode = try container.decodeIfPresent(Mode.self, forKey: .mode) ?? .off
        every = try container.decodeWholeNumberIfPresent(forKey: .every) ?? 1
        maxShift = try container.decodeIfPresent(Double.self, forKey: .maxShift) ?? 0.25
    }
}

public enum FitMode: String, Sendable, Equatable, Codable, CaseIterable {
    /// Scale to fit inside, pad with `background`.
    case contain
    /// Scale to fill, crop the overflow.
    case cover
    /// The clip, contained, over a blurred copy of itself that fills the frame.
    case blur
}

public struct OutputSettings: Sendable, Equatable, Codable {
    /// nil: the first clip's display size (rounded to even).
    public var width: Int?
    public var height: Int?
    /// nil: the first clip's frame rate.
    public var fps: Double?
    public var fit: FitMode
    public var background: String
    /// nil: H.264, or VP9 in webm.
    public var videoCodec: VideoCodec?
    /// nil: AAC, or Opus in webm.
    public var audioCodec: AudioCodec?
    /// nil: mp4 (or what the output path says).
    public var container: ContainerFormat?
    public var crf: Int
    public var preset: String
    public var audioBitrate: Int

    public init(
        width: Int? = nil, height: Int? = nil, fps: Double? = nil, fit: FitMode = .contain,
        background: String = "#000000", videoCodec: VideoCodec? = nil, audioCodec: AudioCodec? = nil,
        container: ContainerFormat? = nil, crf: Int = 23, preset: String = "veryfast", audioBitrate: Int = 192_000
    ) {
        self.width = width
        self.height = height
        self.fps = fps
        self.fit = fit
        self.background = background
        self.videoCodec = videoCodec
        self.audioCodec = audioCodec
        self.container = container
        self.crf = crf
        self.preset = preset
        self.audioBitrate = audioBitrate
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case width, height, fps, fit, background
        case videoCodec = "video_codec"
        case audioCodec = "audio_codec"
        case container, crf, preset
        case audioBitrate = "audio_bitrate"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        width = try container.decodeWholeNumberIfPresent(forKey: .width)
        height = try container.decodeWholeNumberIfPresent(forKey: .height)
        fps = try container.decodeIfPresent(Double.self, forKey: .fps)
        fit = try container.decodeIfPresent(FitMode.self, forKey: .fit) ?? .contain
        background = try container.decodeIfPresent(String.self, forKey: .background) ?? "#000000"
        videoCodec = try container.decodeIfPresent(VideoCodec.self, forKey: .videoCodec)
        audioCodec = try container.decodeIfPresent(AudioCodec.self, forKey: .audioCodec)
        self.container = try container.decodeIfPresent(ContainerFormat.self, forKey: .container)
        crf = try container.decodeWholeNumberIfPresent(forKey: .crf) ?? 23
        preset = try container.decodeIfPresent(String.self, forKey: .preset) ?? "veryfast"
        audioBitrate = try container.decodeWholeNumberIfPresent(forKey: .audioBitrate) ?? 192_000
    }
}
