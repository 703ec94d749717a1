import Foundation
import Media
import TestSupport
import Testing

/// Text overlays: drawn only between their start and end, glyphs of any script, and
/// hostile values refused with field paths. Measured on decoded frames with ffmpeg.
@Suite struct TextOverlayTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    /// A flat grey clip: anything drawn on it shows.
    func clip(seconds: Double = 3) throws -> String {
        var spec = MockVideoSpec()
        spec.duration = seconds
        spec.width = 320
        spec.height = 180
        spec.frameRate = FrameRate(30, 1)
        spec.pattern = .color
        spec.seed = 7
        let path = directory.file("clip.mp4")
        if !FileManager.default.fileExists(atPath: path) { try MockVideoSynthesizer.write(spec, to: path) }
        return path
    }

    func render(_ timeline: Timeline, _ name: String) throws -> String {
        let path = directory.file(name)
        let plan = try TimelinePlanner.plan(timeline, outputPath: path)
        _ = try TimelineRenderer.render(plan, to: path)
        return path
    }

    /// The centre band (rows 60–120 of 180) of every frame, grey.
    func centreBands(_ path: String) throws -> [[UInt8]] {
        let run = try ProcessRunner.run(
            "ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-vf", "crop=320:60:0:60", "-pix_fmt", "gray", "-f", "rawvideo", "-"])
        guard run.status == 0 else { throw Oracle.Failure(description: run.stderr) }
        let bytes = Array(run.stdoutData)
        let size = 320 * 60
        return stride(from: 0, to: bytes.count - size + 1, by: size).map { Array(bytes[$0..<$0 + size]) }
    }

    static let output = OutputSettings(width: 320, height: 180, fps: 30, crf: 12)

    @Test func anOverlayIsOnScreenOnlyBetweenItsStartAndEnd() throws {
        let source = try clip()
        let plain = try centreBands(try render(Timeline(clips: [Clip(source: source)], output: Self.output), "plain.mp4"))
        let titled = try centreBands(
            try render(
                Timeline(
                    clips: [Clip(source: source)], output: Self.output,
                    overlays: [TextOverlay(text: "HELLO 123", start: 1, end: 2, position: "center", size: 40, color: "yellow", box: true)]),
                "titled.mp4"))
        #expect(plain.count == 90 && titled.count == 90)
        let differences = zip(plain, titled).map { Oracle.meanAbsoluteDifference($0, $1) }
        for (index, difference) in differences.enumerated() {
            if (30..<60).contains(index) {
                #expect(difference > 10, "frame \(index) shows the text: \(difference)")
            } else {
                #expect(difference < 1.5, "frame \(index) has no text: \(difference)")
            }
        }
    }

    @Test func aClipOverlayIsTimedFromItsClipAndFades() throws {
        let source = try clip(seconds: 2)
        let overlay = TextOverlay(text: "second clip", start: 0.5, end: 1.5, position: "0.1,0.4", size: 30, box: true, fade: 0.5)
        let timeline = Timeline(
            clips: [Clip(source: source), Clip(source: source, overlays: [overlay])], output: Self.output)
        let plan = try TimelinePlanner.plan(timeline)
        #expect(plan.overlays.count == 1)
        #expect(abs(plan.overlays[0].start - 2.5) < 1e-9 && abs(plan.overlays[0].end - 3.5) < 1e-9)
        let plain = try centreBands(try render(Timeline(clips: [Clip(source: source), Clip(source: source)], output: Self.output), "plain.mp4"))
        let titled = try centreBands(try render(timeline, "titled.mp4"))
        let differences = zip(plain, titled).map { Oracle.meanAbsoluteDifference($0, $1) }
        #expect(differences[0..<75].allSatisfy { $0 < 1.5 }, "\(differences)")
        #expect(differences[105...].allSatisfy { $0 < 1.5 }, "\(differences)")
        // Fading: faint at its first frame, full at its middle.
        #expect(differences[90] > 3 * differences[75], "\(differences)")
    }

    @Test func cjkTextIsDrawnAsGlyphs() throws {
        let source = try clip(seconds: 1)
        func band(_ text: String, _ name: String) throws -> [UInt8] {
            let path = try render(
                Timeline(
                    clips: [Clip(source: source)], output: Self.output,
                    overlays: [TextOverlay(text: text, position: "center", size: 40)]), name)
            return try centreBands(path)[15]
        }
        let hello = try band("你好世界", "a.mp4")
        let mountains = try band("山川日月", "b.mp4")
        let plain = try centreBands(try render(Timeline(clips: [Clip(source: source)], output: Self.output), "plain.mp4"))[15]
        #expect(Oracle.meanAbsoluteDifference(hello, plain) > 3, "something is drawn")
        // Missing glyphs draw as the same boxes: different characters must draw differently.
        #expect(Oracle.meanAbsoluteDifference(hello, mountains) > 2)
    }

    @Test func hostileOverlaysAreRefusedWithFieldPaths() throws {
        let source = try clip(seconds: 2)
        func fields(_ overlays: [TextOverlay], clipOverlays: [TextOverlay]? = nil) -> [String] {
            do {
                _ = try TimelinePlanner.plan(Timeline(clips: [Clip(source: source, overlays: clipOverlays)], overlays: overlays))
                return []
            } catch {
                return error.fieldProblems.map(\.field)
            }
        }
        #expect(fields([TextOverlay(text: "  ")]) == ["overlays[0].text"])
        #expect(fields([TextOverlay(text: String(repeating: "x", count: 501))]) == ["overlays[0].text"])
        #expect(fields([TextOverlay(text: "a\u{0}b")]) == ["overlays[0].text"])
        #expect(fields([TextOverlay(text: "a", size: 100_000)]) == ["overlays[0].size"])
        #expect(fields([TextOverlay(text: "a", color: "not-a-colour")]) == ["overlays[0].color"])
        #expect(fields([TextOverlay(text: "a", position: "left")]) == ["overlays[0].position"])
        #expect(fields([TextOverlay(text: "a", position: "2,0.5")]) == ["overlays[0].position"])
        #expect(fields([TextOverlay(text: "a", start: 1, end: 0.5)]) == ["overlays[0].end"])
        #expect(fields([TextOverlay(text: "a", start: .infinity)]) == ["overlays[0].start"])
        #expect(fields([TextOverlay(text: "a", start: 0, end: 1, fade: 0.6)]) == ["overlays[0].fade"])
        #expect(fields([TextOverlay(text: "a", start: 5)]) == ["overlays[0].start"], "past the end of the video")
        #expect(fields([TextOverlay(text: "a", end: 9)]) == ["overlays[0].end"], "past the end of the video")
        #expect(fields([], clipOverlays: [TextOverlay(text: "a", end: 3)]) == ["clips[0].overlays[0].end"], "past the end of the clip")
        #expect(fields(Array(repeating: TextOverlay(text: "a"), count: 101)) == ["overlays"])
    }

    @Test func textWithFiltergraphSyntaxIsDrawnAsWritten() throws {
        let source = try clip(seconds: 1)
        let path = try render(
            Timeline(
                clips: [Clip(source: source)], output: Self.output,
                overlays: [TextOverlay(text: "a:b='c' [d];e,f %{pts} \\g", position: "top")]), "syntax.mp4")
        #expect(try Oracle.probe(path, countFrames: true).video?.nb_read_frames == "30")
    }

    @Test func beatSyncCutsAnOverlayAtTheEndItMoves() throws {
        let source = try clip(seconds: 2.2)
        // 120 BPM: the 2.2 s clips end on beats, earlier; an overlay to 4.4 s is cut there, not refused.
        let plan = try TimelinePlanner.plan(
            Timeline(
                clips: [Clip(source: source), Clip(source: source)], audio: Soundtrack(source: Paths.fixture("song_120bpm.m4a")),
                beatSync: BeatSync(mode: .beat), output: Self.output,
                overlays: [TextOverlay(text: "to the end", start: 1, end: 4.4, fade: 0.5)]))
        #expect(plan.duration < 4.4)
        #expect(plan.overlays.count == 1 && abs(plan.overlays[0].end - plan.duration) < 1e-9, "\(plan.overlays)")
    }
}
