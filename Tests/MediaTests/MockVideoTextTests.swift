import Foundation
import TestSupport
import Testing

@testable import Media

/// Prompts drawn on mock frames: anything a user may type must render, wrapped to the frame.
@Suite struct MockVideoTextTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    /// Characters that filtergraph syntax, option parsing or drawtext expansion would eat or choke on.
    static let hostile =
        "MOCK · kling\nIt's 100%: a \"quoted\" {brace} [a,b]; c\\d \\n %{pts} %{eif:1:d} ${HOME} `x` "
        + "tab\there\r\nCRLF\u{0}NUL\u{1B}[31mESC \u{7}bell 🎬🌃👩‍👩‍👧 日本語の歌詞 عربى\u{202E}rtl "
        + String(repeating: "long prompt words ", count: 400) + String(repeating: "W", count: 500)

    @Test(arguments: [(1280, 720), (720, 1280), (720, 720), (320, 240), (2, 2)])
    func hostileTextRenders(width: Int, height: Int) throws {
        var spec = MockVideoSpec()
        spec.duration = 0.2
        spec.width = width
        spec.height = height
        spec.audio = .none
        spec.seed = 9
        spec.text = Self.hostile
        let path = directory.file("hostile.mp4")
        try MockVideoSynthesizer.write(spec, to: path)
        let video = try #require(try Oracle.probe(path, countFrames: true).video)
        #expect(video.width == width && video.height == height && video.nb_read_frames == "6")
    }

    @Test func labelIsLiteralAndTheTimecodeRuns() throws {
        // On a flat colour the label band stays the same in every frame when "%{pts}" is drawn
        // literally (expanded, it would count up); the timecode band changes. No stray "%" here:
        // drawtext skips a label whose expansion fails, which would also leave the band unchanged.
        var spec = MockVideoSpec()
        spec.duration = 1
        spec.width = 320
        spec.height = 240
        spec.pattern = .color
        spec.audio = .none
        let plain = directory.file("plain.mp4")
        try MockVideoSynthesizer.write(spec, to: plain)
        spec.text = "pts %{pts} frame %{frame_num}"
        let path = directory.file("literal.mp4")
        try MockVideoSynthesizer.write(spec, to: path)
        let early = try Oracle.frameRGB(path, at: 0.1, width: 320, height: 240)
        let late = try Oracle.frameRGB(path, at: 0.9, width: 320, height: 240)
        let unlabelled = try Oracle.frameRGB(plain, at: 0.1, width: 320, height: 240)
        let row = 320 * 3
        let drawn = Oracle.meanAbsoluteDifference(Array(early[..<(row * 40)]), Array(unlabelled[..<(row * 40)]))
        let top = Oracle.meanAbsoluteDifference(Array(early[..<(row * 40)]), Array(late[..<(row * 40)]))
        let bottom = Oracle.meanAbsoluteDifference(Array(early[(row * 200)...]), Array(late[(row * 200)...]))
        #expect(drawn > 5, "the label is drawn: \(drawn)")
        #expect(top < 0.5, "label band unchanged: \(top)")
        #expect(bottom > 0.5, "timecode band changes: \(bottom)")
    }

    @Test func wrappingKeepsToTheLineBudget() {
        let layout = TextLayout(width: 720, height: 1280)
        let width = 720 - 2 * layout.margin
        let wrapped = TextWrapping.wrap(
            Self.hostile, width: width, fontSize: layout.labelFontSize,
            maxLines: layout.maxLabelLines)
        let lines = wrapped.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == layout.maxLabelLines)
        #expect(layout.maxLabelLines >= 3, "a portrait frame shows a few lines")
        let perLine = Double(width) / (Double(layout.labelFontSize) * 0.62)
        for line in lines {
            #expect(TextWrapping.columns(line) <= perLine, "line fits: \(line)")
            #expect(!line.isEmpty)
        }
        #expect(lines.first == "MOCK · kling", "explicit line breaks are kept")
        #expect(wrapped.hasSuffix("…"), "cut text ends with an ellipsis")
        #expect(
            !wrapped.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" },
            "no control characters reach drawtext")
        #expect(wrapped.contains("%{pts}") && wrapped.contains("c\\d"), "text is kept as typed")
    }

    @Test func printableText() {
        #expect(TextWrapping.printable("a\r\nb\rc\nd\te\u{0}f\u{1B}g\u{2028}h") == "a\nb\nc\nd efg\nh")
        #expect(TextWrapping.wrap("\u{0}\u{1}\n \t", width: 300, fontSize: 10, maxLines: 3).isEmpty)
        #expect(TextWrapping.wrap("short", width: 300, fontSize: 10, maxLines: 3) == "short")
    }

    @Test func wideCharactersCountWider() {
        #expect(TextWrapping.columns("abc") == 3)
        #expect(TextWrapping.columns("日本") > 3)
        #expect(TextWrapping.columns("🎬") > 1.5)
        #expect(TextWrapping.columns("👩‍👩‍👧") > 1.5)
        // Twenty emoji in a 10-glyph line wrap onto several lines.
        let wrapped = TextWrapping.wrap(String(repeating: "🎬", count: 20), width: 62, fontSize: 10, maxLines: 10)
        #expect(wrapped.split(separator: "\n").count >= 3)
    }

    @Test(arguments: [(1280, 720), (1920, 1080), (720, 1280), (720, 720), (960, 720), (720, 960)])
    func textIsSizedToTheFrame(width: Int, height: Int) {
        let layout = TextLayout(width: width, height: height)
        let perLine = Double(width - 2 * layout.margin) / (Double(layout.labelFontSize) * 0.62)
        #expect(perLine >= 20, "a line holds a few words: \(perLine)")
        #expect(layout.labelFontSize >= height / 40, "readable: \(layout.labelFontSize) px on \(height)")
        let labelHeight = Double(layout.maxLabelLines) * Double(layout.labelFontSize) * 1.25
        #expect(labelHeight <= Double(height) * 0.4 + 1, "the label leaves the picture visible")
    }
}
