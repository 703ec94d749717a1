import Foundation
import Media
import TestSupport
import Testing

/// Captions and lyrics: SRT and WebVTT read by our own parser, burned in only at their
/// cue times, or carried as a soft subtitle track that ffmpeg reads back cue for cue.
@Suite struct CaptionTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    static let output = OutputSettings(width: 320, height: 180, fps: 30, crf: 12)

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
        _ = try TimelineRenderer.render(try TimelinePlanner.plan(timeline, outputPath: path), to: path)
        return path
    }

    /// The bottom band (rows 120–180 of 180) of every frame, grey.
    func bottomBands(_ path: String) throws -> [[UInt8]] {
        let run = try ProcessRunner.run(
            "ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-vf", "crop=320:60:0:120", "-pix_fmt", "gray", "-f", "rawvideo", "-"])
        guard run.status == 0 else { throw Oracle.Failure(description: run.stderr) }
        let bytes = Array(run.stdoutData)
        let size = 320 * 60
        return stride(from: 0, to: bytes.count - size + 1, by: size).map { Array(bytes[$0..<$0 + size]) }
    }

    // MARK: Reading files

    @Test func subRipIsReadWithItsMarkupDropped() throws {
        let srt =
            "\u{FEFF}1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hello</i> {\\an8}world\r\nsecond line\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nA & B\r\n"
        let cues = try CaptionFile.parse(Data(srt.utf8))
        #expect(cues == [CaptionCue(start: 1, end: 2.5, text: "Hello world\nsecond line"), CaptionCue(start: 3, end: 4, text: "A & B")])
    }

    @Test func webVTTIsReadWithNotesIdentifiersAndSettings() throws {
        let vtt = """
            WEBVTT - lyrics

            NOTE a comment
            that spans lines

            intro
            00:01.000 --> 00:02.000 align:start line:0
            <v Singer>la &amp; la</v>

            01:00:00.250 --> 01:00:01.000
            <c.loud>end</c>
            """
        let cues = try CaptionFile.parse(Data(vtt.utf8))
        #expect(cues == [CaptionCue(start: 1, end: 2, text: "la & la"), CaptionCue(start: 3600.25, end: 3601, text: "end")])
    }

    @Test func brokenCaptionFilesSayWhatAndWhere() throws {
        func message(_ text: String) -> String {
            do {
                _ = try CaptionFile.parse(Data(text.utf8))
                return ""
            } catch {
                return error.description
            }
        }
        #expect(message("").contains("not a caption file"))
        #expect(message("hello\nworld").contains("not a caption file"))
        #expect(message("1\n00:00:02,000 --> 00:00:01,000\nbackwards\n").contains("ends"))
        #expect(message("WEBVTT\n\nabc\nnot a timing\ntext\n").contains("line 3"))
        #expect(message("WEBVTT\n\n").contains("no cues"))
        #expect(message("1\n00:00:01,000 --> 00:00:02,000\n" + String(repeating: "x", count: 501) + "\n").contains("limit"))
        #expect(message("1\n00:99:01,000 --> 00:99:02,000\nx\n").contains("not a caption file"), "minute 99 is no time")
        var binary = Data("WEBVTT\n\n".utf8)
        binary.append(contentsOf: [0xFF, 0xFE, 0xFD])
        #expect(message(String(decoding: binary, as: UTF8.self)) != "", "not UTF-8 or no cues: refused either way")
    }

    // MARK: Burned in

    @Test func burnedCaptionsAreOnScreenOnlyAtTheirCueTimes() throws {
        let source = try clip()
        let srt = directory.file("lyrics.srt")
        try "1\n00:00:00,500 --> 00:00:01,000\nfirst line\n\n2\n00:00:02,000 --> 00:00:02,500\n第二行 second\n".write(
            toFile: srt, atomically: true, encoding: .utf8)
        let plain = try bottomBands(try render(Timeline(clips: [Clip(source: source)], output: Self.output), "plain.mp4"))
        let captioned = try bottomBands(
            try render(
                Timeline(clips: [Clip(source: source)], output: Self.output, captions: Captions(source: srt, size: 24)), "captioned.mp4"))
        #expect(plain.count == 90 && captioned.count == 90)
        let differences = zip(plain, captioned).map { Oracle.meanAbsoluteDifference($0, $1) }
        for (index, difference) in differences.enumerated() {
            if (15..<30).contains(index) || (60..<75).contains(index) {
                #expect(difference > 4, "frame \(index) shows a caption: \(difference)")
            } else {
                #expect(difference < 1.5, "frame \(index) has no caption: \(difference)")
            }
        }
        // Two different cues draw differently.
        #expect(Oracle.meanAbsoluteDifference(captioned[20], captioned[65]) > 2)
    }

    @Test func thousandsOfCuesBurnWithOneGraphAtATime() throws {
        let source = try clip(seconds: 2)
        // A cue every frame: each one's graph is made and dropped in turn.
        let cues = (0..<3000).map { CaptionCue(start: Double($0) / 30, end: Double($0 + 1) / 30, text: "cue \($0)") }
        let path = try render(
            Timeline(clips: [Clip(source: source)], output: Self.output, captions: Captions(cues: cues)), "many.mp4")
        #expect(try Oracle.probe(path, countFrames: true).video?.nb_read_frames == "60")
    }

    // MARK: Soft tracks

    /// The cues ffmpeg reads back from the output's subtitle track: start second and text
    /// (font tags, carriage returns and our invisible word joiners taken out).
    func cuesReadBack(_ path: String) throws -> [(start: Double, text: String)] {
        let run = try ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-map", "0:s:0", "-f", "srt", "-"])
        guard run.status == 0 else { throw Oracle.Failure(description: run.stderr) }
        let blocks = run.stdout.replacingOccurrences(of: "\r", with: "").components(separatedBy: "\n\n").filter { !$0.isEmpty }
        return blocks.compactMap { block in
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard lines.count >= 3, let arrow = lines[1].range(of: " --> ") else { return nil }
            let fields = lines[1][..<arrow.lowerBound].replacingOccurrences(of: ",", with: ".").split(separator: ":").compactMap { Double($0) }
            // (The read-back path from WebVTT escapes braces as \{ \}; the track itself has them as written.)
            let text = lines[2...].joined(separator: "\n").replacingOccurrences(of: "\u{2060}", with: "")
                .replacingOccurrences(of: "\\{", with: "{").replacingOccurrences(of: "\\}", with: "}")
                .replacingOccurrences(of: #"</?font[^>]*>"#, with: "", options: .regularExpression)
            return (fields[0] * 3600 + fields[1] * 60 + fields[2], text)
        }
    }

    func subtitleCodec(_ path: String) throws -> String {
        let run = try ProcessRunner.run(
            "ffprobe", ["-v", "error", "-select_streams", "s", "-show_entries", "stream=codec_name", "-of", "csv=p=0", path])
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: [("mp4", "mov_text"), ("webm", "webvtt"), ("mkv", "subrip")])
    func softCaptionsAreATrackWithEveryCue(container: String, codec: String) throws {
        let source = try clip()
        let cues = [
            CaptionCue(start: 0.2, end: 1, text: "one"), CaptionCue(start: 1.5, end: 2, text: "two {\\b1} \\n"),
            CaptionCue(start: 2.2, end: 2.9, text: "three\nlines"),
        ]
        let timeline = Timeline(clips: [Clip(source: source)], output: Self.output, captions: Captions(cues: cues, burn: false))
        let path = try render(timeline, "soft.\(container)")
        #expect(try subtitleCodec(path) == codec)
        let read = try cuesReadBack(path)
        #expect(read.map(\.text) == ["one", "two {\\b1} \\n", "three\nlines"], "markup-like text stays text: \(read)")
        // Matroska moves every stream by the audio encoder's priming (≤ 25 ms); the cues move with the picture.
        for (cue, back) in zip(cues, read) { #expect(back.start >= cue.start - 0.001 && back.start < cue.start + 0.025, "\(read)") }
        // The picture is untouched: same frames as without captions.
        let plain = try render(Timeline(clips: [Clip(source: source)], output: Self.output), "plain.\(container)")
        #expect(try Oracle.probe(path, countFrames: true).video?.nb_read_frames == Oracle.probe(plain, countFrames: true).video?.nb_read_frames)
    }

    @Test func captionsPastTheEndAreCutNotRefused() throws {
        let source = try clip(seconds: 2)
        let plan = try TimelinePlanner.plan(
            Timeline(
                clips: [Clip(source: source)],
                captions: Captions(cues: [CaptionCue(start: 1.5, end: 9, text: "long"), CaptionCue(start: 5, end: 6, text: "after")])))
        #expect(plan.captions?.cues == [CaptionCue(start: 1.5, end: plan.duration, text: "long")])
    }

    @Test func hostileCaptionsAreRefusedWithFieldPaths() throws {
        let source = try clip(seconds: 2)
        func fields(_ captions: Captions) -> [String] {
            do {
                _ = try TimelinePlanner.plan(Timeline(clips: [Clip(source: source)], captions: captions))
                return []
            } catch {
                return error.fieldProblems.map(\.field)
            }
        }
        #expect(fields(Captions()) == ["captions"])
        #expect(fields(Captions(source: "a.srt", cues: [CaptionCue(start: 0, end: 1, text: "a")])) == ["captions"])
        #expect(fields(Captions(cues: [])) == ["captions.cues"])
        #expect(fields(Captions(cues: [CaptionCue(start: 1, end: 0.5, text: "a")])) == ["captions.cues[0].end"])
        #expect(fields(Captions(cues: [CaptionCue(start: -.infinity, end: 1, text: "a")])) == ["captions.cues[0].start"])
        #expect(fields(Captions(cues: [CaptionCue(start: 0, end: 1, text: " ")])) == ["captions.cues[0].text"])
        #expect(fields(Captions(cues: [CaptionCue(start: 0, end: 1, text: "a\u{7}")])) == ["captions.cues[0].text"])
        #expect(fields(Captions(cues: [CaptionCue(start: 0, end: 1, text: "a")], size: 10_000)) == ["captions.size"])
        #expect(fields(Captions(cues: [CaptionCue(start: 0, end: 1, text: "a")], position: "left")) == ["captions.position"])
        #expect(fields(Captions(cues: Array(repeating: CaptionCue(start: 0, end: 1, text: "a"), count: 10_001))) == ["captions.cues"])
        #expect(fields(Captions(source: directory.file("missing.srt"))) == ["captions.source"])
        let notCaptions = directory.file("not.srt")
        try "just some text".write(toFile: notCaptions, atomically: true, encoding: .utf8)
        #expect(fields(Captions(source: notCaptions)) == ["captions.source"])
    }

    @Test func unknownCaptionFieldsAreNamed() throws {
        let body = #"{"clips": [{"source": "a.mp4"}], "captions": {"cues": [{"start": 0, "end": 1, "text": "a", "colour": "red"}], "burnt": true}}"#
        let fields = Timeline.unknownFields(in: Data(body.utf8)).map(\.field)
        #expect(fields == ["captions.burnt", "captions.cues[0].colour"])
    }
}
