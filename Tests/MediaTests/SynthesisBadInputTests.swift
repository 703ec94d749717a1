import Foundation
import Media
import TestSupport
import Testing

/// Every invalid spec is refused before any file is created, with a message that says what to do.
@Suite struct SynthesisBadInputTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    static let invalidSpecs: [(String, @Sendable (inout MockVideoSpec) -> Void, String)] = [
        (
            "zero size",
            {
                $0.width = 0
                $0.height = 0
            }, "out of range"
        ),
        (
            "huge size",
            {
                $0.width = 100_000
                $0.height = 100_000
            }, "out of range"
        ),
        ("odd size", { $0.width = 641 }, "even"),
        ("zero duration", { $0.duration = 0 }, "positive"),
        ("negative duration", { $0.duration = -3 }, "positive"),
        ("NaN duration", { $0.duration = .nan }, "positive"),
        ("endless duration", { $0.duration = .infinity }, "positive"),
        ("huge duration", { $0.duration = 1e300 }, "limit"),
        ("sub-frame duration", { $0.duration = 1e-300 }, "one frame"),
        ("zero fps", { $0.frameRate = FrameRate(0) }, "fps"),
        ("absurd fps", { $0.frameRate = FrameRate(1000) }, "fps"),
        ("negative tone", { $0.audio = .tone(hertz: -5) }, "tone"),
        ("crf out of range", { $0.crf = 99 }, "crf"),
    ]

    @Test(arguments: 0..<invalidSpecs.count)
    func invalidSpecIsRefused(index: Int) throws {
        let (name, configure, expected) = Self.invalidSpecs[index]
        var spec = MockVideoSpec()
        configure(&spec)
        let path = directory.file("out.mp4")
        let error = #expect(throws: MediaError.self, "\(name)") { try MockVideoSynthesizer.write(spec, to: path) }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains(expected) == true, "\(name): \(error?.message ?? "")")
        #expect(directory.contents().isEmpty)
    }

    @Test func h264InWebMIsRefused() throws {
        var spec = MockVideoSpec()
        spec.videoCodec = .h264
        let error = #expect(throws: MediaError.self) { try MockVideoSynthesizer.write(spec, to: directory.file("a.webm")) }
        #expect(error?.message.contains("vp9") == true)
        #expect(directory.contents().isEmpty)
    }

    @Test func unknownContainerIsRefused() throws {
        let error = #expect(throws: MediaError.self) { try MockVideoSynthesizer.write(MockVideoSpec(), to: directory.file("a.avi")) }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains(".mp4") == true)
    }

    @Test func missingOutputDirectoryIsRefused() throws {
        let path = directory.file("missing/sub/out.mp4")
        let error = #expect(throws: MediaError.self) { try MockVideoSynthesizer.write(MockVideoSpec(), to: path) }
        #expect(error?.kind == .outputNotWritable)
        #expect(error?.message.contains("mkdir -p") == true)
    }

    @Test func outputThatIsADirectoryIsRefused() throws {
        let path = directory.file("clip.mp4")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        let error = #expect(throws: MediaError.self) { try MockVideoSynthesizer.write(MockVideoSpec(), to: path) }
        #expect(error?.kind == .outputNotWritable)
    }

    @Test func failedWriteKeepsThePreviousFile() throws {
        // An existing output is replaced only by a complete new file.
        let path = directory.file("keep.mp4")
        try Data("previous".utf8).write(to: URL(fileURLWithPath: path))
        let flag = CancellationFlag()
        flag.cancel()
        #expect(throws: MediaError.cancelled(path)) {
            try MockVideoSynthesizer.write(MockVideoSpec(), to: path, cancellation: flag)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous")
        #expect(directory.contents() == ["keep.mp4"])
    }
}
