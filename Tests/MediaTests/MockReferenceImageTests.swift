import Foundation
import TestSupport
import Testing

@testable import Media

/// The start frame of an image-to-video mock shows, picture-in-picture, in every frame.
@Suite struct MockReferenceImageTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    @Test func theStartImageShowsInTheFirstAndLastFrames() throws {
        // Colour bars: large flat areas, so a pixel of rounding in the fit costs little.
        let reference = directory.file("start.png")
        try MockImageSynthesizer.write(MockImageSpec(width: 320, height: 180, pattern: .smptehdbars), to: reference)
        var spec = MockVideoSpec()
        spec.width = 640
        spec.height = 360
        spec.duration = 1
        spec.pattern = .color
        spec.audio = .none
        spec.seed = 3
        let plain = directory.file("plain.mp4")
        try MockVideoSynthesizer.write(spec, to: plain)
        spec.referenceImage = reference
        let clip = directory.file("with-start.mp4")
        try MockVideoSynthesizer.write(spec, to: clip)

        // Where the inset should be: the picture fitted inside its box, a border around it,
        // a margin from the right edge, centred vertically.
        let box = MockReferenceInset.box(width: 640, height: 360)
        let border = MockReferenceInset.border
        let scale = min(Double(box.width - 2 * border) / 320, Double(box.height - 2 * border) / 180)
        let (width, height) = (Int(320 * scale), Int(180 * scale))
        let margin = TextLayout(width: 640, height: 360).margin
        let left = 640 - margin - width - border
        let top = (360 - height - 2 * border) / 2 + border
        // The middle of the picture, away from its edges (±1 pixel of fit rounding).
        let columns = (width / 10)..<(width * 9 / 10)
        let rows = (height / 10)..<(height * 9 / 10)
        let expected = try Oracle.frameRGB(reference, at: 0, width: width, height: height)
        func region(_ pixels: [UInt8], rowWidth: Int, x: Int, y: Int) -> [UInt8] {
            rows.flatMap { row in
                let start = ((y + row) * rowWidth + x + columns.lowerBound) * 3
                return pixels[start..<(start + columns.count * 3)]
            }
        }
        let wanted = region(expected, rowWidth: width, x: 0, y: 0)
        for seconds in [0.0, 0.95] {
            let frame = try Oracle.frameRGB(clip, at: seconds, width: 640, height: 360)
            let difference = Oracle.meanAbsoluteDifference(region(frame, rowWidth: 640, x: left, y: top), wanted)
            #expect(difference < 12, "at \(seconds) s the inset differs from the image by \(difference) of 255")
        }
        // Without the image the same place shows the pattern: the comparison can fail.
        let without = try Oracle.frameRGB(plain, at: 0, width: 640, height: 360)
        let control = Oracle.meanAbsoluteDifference(region(without, rowWidth: 640, x: left, y: top), wanted)
        #expect(control > 40, "the plain clip differs from the image by \(control) of 255")
    }

    @Test func aStartImageThatIsNotAPictureFailsTheClipAndLeavesNoFile() throws {
        let notAnImage = directory.file("notes.png")
        try Data("not a picture".utf8).write(to: URL(fileURLWithPath: notAnImage))
        var spec = MockVideoSpec()
        spec.duration = 0.2
        spec.width = 64
        spec.height = 64
        spec.referenceImage = notAnImage
        let path = directory.file("clip.mp4")
        #expect(throws: MediaError.self) { try MockVideoSynthesizer.write(spec, to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
