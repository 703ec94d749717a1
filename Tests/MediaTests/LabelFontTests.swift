import Foundation
import TestSupport
import Testing

@testable import Media

/// Prompts in any script draw as glyphs, not boxes: the label's font is the installed one
/// fontconfig finds covering its characters (scripts/install-deps.sh installs Noto, Noto
/// CJK and Symbola).
@Suite struct LabelFontTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    static let scripts = [
        "夜の東京を歩く猫", "中文字幕的歌词", "한국어 가사", "Привет, мир", "Γειά σου", "नमस्ते दुनिया", "สวัสดีชาวโลก",
        "שלום עולם", "🎬🌃🐈🎵", "MOCK · kling-v2.1\n夜の東京 — a cat",
    ]

    @Test(arguments: scripts)
    func aFontCoversEveryCharacter(text: String) throws {
        let font = try #require(LabelFont.covering(text), "fontconfig offers a font")
        #expect(font.missing.isEmpty, "\(font.path) has no glyph for \(font.missing.map { String($0.value, radix: 16) })")
        #expect(FileManager.default.fileExists(atPath: font.path))
        #expect(!font.path.contains("ColorEmoji"), "drawtext cannot size colour bitmap fonts")
    }

    @Test func latinStaysInDejaVuSansBold() {
        #expect(LabelFont.covering("MOCK · kling-v2.1\na red fox, 100% (snow)")?.path == LabelFont.fallbackPath)
    }

    @Test func fontconfigReportsCJKCoverage() throws {
        let run = try ProcessRunner.run("fc-list", [":charset=4e2d", "family"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("CJK"), "a CJK font is installed: \(run.stdout)")
    }

    /// Two labels of different characters, drawn on the same flat frame: glyphs differ
    /// from each other, while missing glyphs all draw as the same box.
    func labelBand(_ text: String, fontFile: String? = nil) throws -> [UInt8] {
        let path = directory.file("\(abs(text.hashValue))-\(fontFile == nil ? "chosen" : "fixed").png")
        if let fontFile {
            // The oracle: ffmpeg's drawtext with one given font (the text from a file, unescaped).
            let textFile = directory.file("label.txt")
            try Data(text.utf8).write(to: URL(fileURLWithPath: textFile))
            let run = try ProcessRunner.run(
                "ffmpeg",
                [
                    "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "color=c=0x2050A0:s=640x360", "-frames:v", "1",
                    "-vf", "drawtext=fontfile=\(fontFile):textfile=\(textFile):fontsize=18:fontcolor=white:x=12:y=12", path,
                ])
            #expect(run.status == 0, "\(run.stderr)")
        } else {
            try MockImageSynthesizer.write(MockImageSpec(width: 640, height: 360, pattern: .color, text: text), to: path)
        }
        // Where the label is: the top left, 18 px glyphs from 12 px in.
        let pixels = try Oracle.frameRGB(path, at: 0, width: 640, height: 360)
        return (0..<48).flatMap { row in pixels[(row * 640 * 3)..<(row * 640 * 3 + 160 * 3)] }
    }

    @Test func cjkLabelsDrawAsGlyphsNotBoxes() throws {
        let tofu = Oracle.meanAbsoluteDifference(
            try labelBand("中文字幕", fontFile: LabelFont.fallbackPath), try labelBand("夜の東京", fontFile: LabelFont.fallbackPath))
        #expect(tofu < 0.5, "in DejaVu both are four alike boxes: \(tofu)")
        let drawn = Oracle.meanAbsoluteDifference(try labelBand("中文字幕"), try labelBand("夜の東京"))
        #expect(drawn > 4, "drawn as their own glyphs: \(drawn)")
        let emoji = Oracle.meanAbsoluteDifference(try labelBand("🎬🌃"), try labelBand("🐈🎵"))
        #expect(emoji > 4, "emoji drawn as their own glyphs: \(emoji)")
    }
}
