import Foundation

/// The test patterns a mock clip can show (libavfilter sources).
public enum MockPattern: String, Sendable, CaseIterable, Codable {
    case testsrc2, testsrc, smptehdbars, gradients, mandelbrot, life, color
}

/// The mock clip's sound: a sine tone, digital silence, or no audio track at all.
public enum MockAudio: Sendable, Equatable {
    case tone(hertz: Double)
    case silence
    case none
}

/// Everything that defines a mock clip. The same spec (seed included) always gives
/// the same decoded frames; another seed gives other colours and pattern phase.
public struct MockVideoSpec: Sendable, Equatable {
    public var duration: Double = 5
    public var width: Int = 1280
    public var height: Int = 720
    public var frameRate: FrameRate = FrameRate(30)
    public var pattern: MockPattern = .testsrc2
    /// A label drawn on the frames, above a running timecode; nil draws nothing.
    public var text: String?
    /// A picture (PNG, JPEG or WebP file) shown as a picture-in-picture in every frame:
    /// the start frame an image-to-video request gave. nil shows none.
    public var referenceImage: String?
    public var audio: MockAudio = .tone(hertz: 440)
    public var seed: UInt64 = 0
    public var videoCodec: VideoCodec = .h264
    /// nil picks the container's usual codec (AAC, or Opus in webm).
    public var audioCodec: AudioCodec?
    public var crf: Int = 23
    public var preset: String = "veryfast"

    public static let maxDimension = 8192
    public static let maxDuration: Double = 24 * 3600
    public static let maxFrameRate: Double = 240

    public init() {}

    /// Total frames: every frame that starts before `duration`.
    /// 0 when the duration or rate is out of range (`problems` says so).
    public var frameCount: Int64 {
        CheckedConversion.int64(duration * frameRate.value - 1e-9, rounding: .up).map { max(0, $0) } ?? 0
    }

    /// Every problem with the spec for `container`, each saying what to do; empty when valid.
    public func problems(for container: ContainerFormat) -> [String] {
        var problems: [String] = []
        if !duration.isFinite || duration <= 0 {
            problems.append("duration must be a positive number of seconds (got \(duration))")
        } else if duration > Self.maxDuration {
            problems.append("duration \(duration) s is longer than the limit of \(Int(Self.maxDuration)) s")
        } else if frameRate.value.isFinite, frameRate.value > 0, frameCount < 1 {
            problems.append("duration \(duration) s is shorter than one frame at \(frameRate) fps; give at least \(1 / frameRate.value) s")
        }
        if width < 2 || height < 2 || width > Self.maxDimension || height > Self.maxDimension {
            problems.append("size \(width)x\(height) is out of range; width and height must be 2…\(Self.maxDimension)")
        } else if width % 2 != 0 || height % 2 != 0 {
            problems.append(
                "size \(width)x\(height) must have an even width and height for 4:2:0 video; try \(width + width % 2)x\(height + height % 2)")
        }
        if frameRate.numerator <= 0 || frameRate.denominator <= 0 || frameRate.value > Self.maxFrameRate {
            problems.append("fps must be above 0 and at most \(Int(Self.maxFrameRate)) (got \(frameRate))")
        }
        if case .tone(let hertz) = audio, !(hertz.isFinite && hertz > 0 && hertz < 24_000) {
            problems.append("tone must be between 0 and 24000 Hz (got \(hertz)), or 'silence' or 'none'")
        }
        if !container.allows(videoCodec) {
            problems.append("\(videoCodec.displayName) cannot go in .\(container.rawValue); use --video-codec vp9, or a .mp4/.mkv/.mov output")
        }
        if let audioCodec, !container.allows(audioCodec) {
            problems.append("\(audioCodec.rawValue) audio cannot go in .\(container.rawValue); use opus")
        }
        if !(0...51).contains(crf) {
            problems.append("crf must be 0…51 (got \(crf))")
        }
        return problems
    }
}
