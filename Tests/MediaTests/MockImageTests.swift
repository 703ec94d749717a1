import Foundation
import Media
import TestSupport
import Testing

/// Mock stills are checked as real PNGs: magic bytes, ffprobe, Media's probe, decoded pixels.
@Suite struct MockImageTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    static let pngMagic: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test(arguments: [
        (1024, 576, MockImagePixelFormat.rgb24), (576, 1024, .rgba), (1, 1, .rgb24), (3, 5, .rgba),
        (17, 2, .rgb24), (8192, 1, .rgb24), (1, 8192, .rgba),
    ])
    func writesAPNGOfTheRequestedSize(width: Int, height: Int, format: MockImagePixelFormat) throws {
        let path = directory.file("still.png")
        try MockImageSynthesizer.write(
            MockImageSpec(
                width: width, height: height, text: "a label", seed: 7,
                pixelFormat: format), to: path)

        #expect(Array(try bytes(path).prefix(8)) == Self.pngMagic)
        let report = try Oracle.probe(path)
        let video = try #require(report.video)
        #expect(video.codec_name == "png")
        #expect(video.width == width && video.height == height)
        #expect(video.pix_fmt == format.rawValue)
        let info = try MediaProbe.probe(path)
        #expect(info.video?.width == width && info.video?.height == height)
        #expect(info.audio == nil)
        #expect(directory.contents() == ["still.png"], "no temporary file is left beside the output")
    }

    @Test(arguments: MockPattern.allCases)
    func everyPatternMakesAStill(pattern: MockPattern) throws {
        let path = directory.file("\(pattern).png")
        try MockImageSynthesizer.write(MockImageSpec(width: 333, height: 187, pattern: pattern, text: "x", seed: 3), to: path)
        let video = try #require(try Oracle.probe(path).video)
        #expect(video.width == 333 && video.height == 187)
    }

    @Test func sameSpecSameBytesOtherSeedOtherPicture() throws {
        let a = directory.file("a.png")
        let b = directory.file("b.png")
        let c = directory.file("c.png")
        let spec = MockImageSpec(width: 320, height: 180, pattern: .testsrc2, text: "same", seed: 41)
        try MockImageSynthesizer.write(spec, to: a)
        try MockImageSynthesizer.write(spec, to: b)
        var other = spec
        other.seed = 42
        try MockImageSynthesizer.write(other, to: c)

        #expect(try bytes(a) == (try bytes(b)))
        let difference = Oracle.meanAbsoluteDifference(try Oracle.frameRGB(a, at: 0), try Oracle.frameRGB(c, at: 0))
        #expect(difference > 10, "mean difference \(difference) of 255")
    }

    @Test func labelIsDrawnAtTheTop() throws {
        let plain = directory.file("plain.png")
        let labelled = directory.file("labelled.png")
        let spec = MockImageSpec(width: 320, height: 240, pattern: .color, seed: 5)
        try MockImageSynthesizer.write(spec, to: plain)
        var withText = spec
        withText.text = "MOCK · model\nA prompt: 100% {literal} \\ 'quoted' 🎬"
        try MockImageSynthesizer.write(withText, to: labelled)
        let without = try Oracle.frameRGB(plain, at: 0, width: 320, height: 240)
        let with = try Oracle.frameRGB(labelled, at: 0, width: 320, height: 240)
        let row = 320 * 3
        let top = Oracle.meanAbsoluteDifference(Array(without[(row * 4)..<(row * 40)]), Array(with[(row * 4)..<(row * 40)]))
        let bottom = Oracle.meanAbsoluteDifference(Array(without[(row * 200)...]), Array(with[(row * 200)...]))
        #expect(top > 10, "the label changes the top band: \(top)")
        #expect(bottom < 1, "a still has no timecode: \(bottom)")
    }

    @Test(arguments: [(0, 10), (10, 0), (-1, 5), (8193, 10), (10, 8193)])
    func outOfRangeSizesAreRefused(width: Int, height: Int) throws {
        let path = directory.file("bad.png")
        let error = try #require(throws: MediaError.self) {
            try MockImageSynthesizer.write(MockImageSpec(width: width, height: height), to: path)
        }
        #expect(error.kind == .invalidArgument)
        #expect(error.message.contains("1…8192"))
        #expect(directory.contents().isEmpty)
    }

    @Test func missingDirectoryIsRefused() throws {
        let error = try #require(throws: MediaError.self) {
            try MockImageSynthesizer.write(MockImageSpec(width: 8, height: 8), to: directory.file("nope/still.png"))
        }
        #expect(error.kind == .outputNotWritable)
    }

    @Test func cancelledBeforeItStartsWritesNothing() async throws {
        let path = directory.file("cancelled.png")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await MockImageSynthesizer.write(MockImageSpec(width: 64, height: 64), to: path, on: .tests)
        }
        await #expect(throws: MediaError.self) { try await task.value }
        #expect(directory.contents().isEmpty)
    }
}
