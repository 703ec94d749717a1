import ArgumentParser
import Foundation
import Media
import MergeServer

/// `merge-server mock OUTPUT`: a test-pattern clip, for pipelines run without paying for generation.
struct MockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Synthesize a test-pattern video (container from OUTPUT's extension: .mp4 .mkv .webm .mov)."
    )

    @Argument(help: "The file to write.")
    var output: String

    @Option(parsing: .unconditional, help: "Length in seconds.")
    var duration: Double = 5

    @Option(help: "Frame size, WIDTHxHEIGHT (even numbers).")
    var size: FrameSize = FrameSize(width: 1280, height: 720)

    @Option(parsing: .unconditional, help: "Frames per second (29.97 means 30000/1001).")
    var fps: Double = 30

    @Option(help: "Pattern: \(MockPattern.allCases.map(\.rawValue).joined(separator: "|")).")
    var pattern: MockPattern = .testsrc2

    @Option(help: "A label drawn on the frames above a running timecode.")
    var text: String?

    @Option(help: "A picture (PNG, JPEG or WebP) shown as a picture-in-picture in every frame, as an image-to-video start frame.")
    var image: String?

    @Option(parsing: .unconditional, help: "A sine tone in Hz, 'silence' for a silent track, or 'none' for no audio track.")
    var tone: ToneOption = ToneOption(audio: .tone(hertz: 440))

    @Option(parsing: .unconditional, help: "Varies colours and pattern phase; the same seed gives the same frames.")
    var seed: UInt64 = 0

    @Option(name: .customLong("video-codec"), help: "h264|hevc|vp9 (webm needs vp9).")
    var videoCodec: VideoCodec?

    func run() async throws {
        let container = try ContainerFormat(forPath: output)
        var spec = MockVideoSpec()
        spec.duration = duration
        spec.width = size.width
        spec.height = size.height
        guard let rate = FrameRate(fps) else {
            throw CommandFailure(message: "--fps must be above 0 and at most \(Int(MockVideoSpec.maxFrameRate)) (got \(fps))")
        }
        spec.frameRate = rate
        spec.pattern = pattern
        spec.text = text
        spec.referenceImage = image
        spec.audio = tone.audio
        spec.seed = seed
        spec.videoCodec = videoCodec ?? container.defaultVideoCodec

        let started = ContinuousClock.now
        let (output, finished) = (output, spec)
        try await InterruptibleWork.run("mock") { cancellation throws(MediaError) in
            try MockVideoSynthesizer.write(finished, to: output, cancellation: cancellation)
        }
        let elapsed = ContinuousClock.now - started
        let bytes = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        let audio = spec.audio == .none ? "no audio" : (spec.audioCodec ?? container.defaultAudioCodec).rawValue
        print(
            String(
                format: "wrote %@ (%.2f s, %dx%d@%@, %@ + %@, %@) in %.2f s",
                output, duration, size.width, size.height, rate.description, spec.videoCodec.rawValue,
                audio, ByteCount.format(bytes), elapsed.seconds))
    }
}

extension MockPattern: ExpressibleByArgument {}

extension VideoCodec: ExpressibleByArgument {}

/// `--size 1280x720`.
struct FrameSize: ExpressibleByArgument {
    let width: Int
    let height: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) else { return nil }
        self.init(width: width, height: height)
    }

    var defaultValueDescription: String { "\(width)x\(height)" }
}

/// `--tone 440`, `--tone silence`, `--tone none`.
struct ToneOption: ExpressibleByArgument {
    let audio: MockAudio

    init(audio: MockAudio) { self.audio = audio }

    init?(argument: String) {
        switch argument.lowercased() {
        case "none": audio = .none
        case "silence", "0": audio = .silence
        default:
            guard let hertz = Double(argument) else { return nil }
            audio = .tone(hertz: hertz)
        }
    }

    var defaultValueDescription: String {
        if case .tone(let hertz) = audio { return String(format: "%g", hertz) }
        return audio == .none ? "none" : "silence"
    }
}
