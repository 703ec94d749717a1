import Foundation
import Media
import TestSupport
import Testing

/// `outputs`: a poster, a thumbnail sprite with its WebVTT index, an animated preview and
/// an mp3, made from the finished video; checked with ffprobe/ffmpeg.
@Suite struct ExtraOutputsTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func clip(_ name: String = "clip.mp4", seconds: Double = 4, audio: MockAudio = .tone(hertz: 440)) throws -> String {
        var spec = MockVideoSpec()
        spec.duration = seconds
        spec.width = 320
        spec.height = 240
        spec.frameRate = FrameRate(15)
        spec.audio = audio
        let path = directory.file(name)
        try MockVideoSynthesizer.write(spec, to: path)
        return path
    }

    func render(_ timeline: Timeline, _ name: String) throws -> (RenderPlan, String, [ExtraFile]) {
        let path = directory.file(name)
        let plan = try TimelinePlanner.plan(timeline, outputPath: path)
        _ = try TimelineRenderer.render(plan, to: path)
        let extras = try #require(plan.extras)
        let files = try ExtraOutputWriter.write(extras, from: path, stem: (path as NSString).deletingPathExtension)
        return (plan, path, files)
    }

    func file(_ files: [ExtraFile], _ kind: ExtraFile.Kind) throws -> ExtraFile {
        try #require(files.first { $0.kind == kind }, "no \(kind) in \(files.map(\.kind))")
    }

    @Test func posterSpritePreviewAndMP3HaveTheirSizesAndDurations() throws {
        var timeline = Timeline(clips: [Clip(source: try clip())])
        timeline.outputs = ExtraOutputs(
            poster: PosterOutput(), sprite: SpriteOutput(interval: 1, columns: 3, width: 80),
            preview: PreviewOutput(format: .gif, start: 1, duration: 2, width: 160, fps: 10), mp3: MP3Output(bitrate: 128_000))
        let (plan, video, files) = try render(timeline, "out.mp4")
        #expect(plan.extras?.poster?.time == 2, "the middle of the first clip")
        #expect(
            files.map(\.path).sorted()
                == ["out.audio.mp3", "out.poster.jpg", "out.preview.gif", "out.sprite.jpg", "out.sprite.vtt"].map(directory.file))
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file.path)).count
            #expect(file.sizeBytes > 0 && file.sizeBytes == Int64(bytes), "\(file)")
        }

        // Poster: the video's size, the picture at 2 s.
        let poster = try Oracle.probe(try file(files, .poster).path)
        #expect(poster.video?.codec_name == "mjpeg" && poster.video?.width == 320 && poster.video?.height == 240)
        // A still picture is decoded without -ss (the CLI's seek on a lone JPEG gives no frame).
        let decoded = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "error", "-nostdin", "-i", try file(files, .poster).path, "-frames:v", "1", "-vf", "scale=32:18", "-pix_fmt", "rgb24",
                "-f", "rawvideo", "-",
            ])
        let posterPixels = Array(decoded.stdoutData)
        let at2 = try Oracle.meanAbsoluteDifference(posterPixels, Oracle.frameRGB(video, at: 2))
        let at05 = try Oracle.meanAbsoluteDifference(posterPixels, Oracle.frameRGB(video, at: 0.5))
        print("poster vs the frame at 2 s: \(at2); at 0.5 s: \(at05)")
        #expect(at2 < 4 && at05 > at2, "poster differs by \(at2) from the frame at 2 s, \(at05) from 0.5 s")

        // Sprite: 4 tiles of 80x60 in 3 columns, so 240x120; one cue per second.
        let sprite = try Oracle.probe(try file(files, .sprite).path)
        #expect(sprite.video?.width == 240 && sprite.video?.height == 120, "\(String(describing: sprite.video))")
        let vtt = try String(contentsOfFile: try file(files, .spriteIndex).path, encoding: .utf8)
        #expect(vtt.hasPrefix("WEBVTT\n"))
        #expect(vtt.contains("00:00:00.000 --> 00:00:01.000\nout.sprite.jpg#xywh=0,0,80,60"), "\(vtt)")
        #expect(vtt.contains("00:00:03.000 --> 00:00:04.000\nout.sprite.jpg#xywh=0,60,80,60"), "\(vtt)")
        #expect(vtt.components(separatedBy: " --> ").count - 1 == 4)
        // Each tile is the picture at its second (made in one pass over the video): closest
        // to the ffmpeg CLI's frame at that time of all four times.
        let atSeconds = try (0..<4).map { try Oracle.frameRGB(video, at: Double($0)) }
        for index in 0..<4 {
            let (x, y) = ((index % 3) * 80, (index / 3) * 60)
            let tile = try ProcessRunner.run(
                "ffmpeg",
                [
                    "-v", "error", "-nostdin", "-i", try file(files, .sprite).path, "-frames:v", "1",
                    "-vf", "crop=80:60:\(x):\(y),scale=32:18", "-pix_fmt", "rgb24", "-f", "rawvideo", "-",
                ])
            let differences = atSeconds.map { Oracle.meanAbsoluteDifference(Array(tile.stdoutData), $0) }
            print("sprite tile \(index) vs the frames at 0–3 s: \(differences)")
            #expect(differences[index] < 6 && differences.min() == differences[index], "tile \(index) against 0–3 s: \(differences)")
        }

        // Preview: 160x120 GIF, 2 s, 20 frames.
        let preview = try Oracle.probe(try file(files, .preview).path, countFrames: true)
        #expect(preview.video?.codec_name == "gif" && preview.video?.width == 160 && preview.video?.height == 120)
        let frames = Int(preview.video?.nb_read_frames ?? "") ?? 0
        #expect(abs(frames - 20) <= 1, "\(frames) frames")
        let previewSeconds = Double(preview.format.duration ?? "") ?? .nan
        #expect(abs(previewSeconds - 2) < 0.11, "preview lasts \(previewSeconds) s")

        // MP3: the render's sound, its length.
        let mp3 = try Oracle.probe(try file(files, .mp3).path)
        #expect(mp3.audio?.codec_name == "mp3" && mp3.audio?.sample_rate == "48000" && mp3.video == nil)
        let mp3Seconds = Double(mp3.format.duration ?? "") ?? .nan
        #expect(abs(mp3Seconds - 4) < 0.1, "mp3 lasts \(mp3Seconds) s")
        print(
            "outputs: poster 320x240, sprite 240x120 (4 tiles), preview \(previewSeconds) s 160x120, mp3 \(mp3Seconds) s; bytes \(files.map { "\($0.kind.rawValue)=\($0.sizeBytes)" })"
        )
    }

    @Test func webpPosterAndAnimatedWebPPreview() throws {
        var timeline = Timeline(clips: [Clip(source: try clip(seconds: 2)), Clip(source: try clip("b.mp4", seconds: 2))])
        timeline.outputs = ExtraOutputs(
            poster: PosterOutput(format: .webp, time: 3, width: 160), preview: PreviewOutput(format: .webp, duration: 1.5, width: 120, fps: 8))
        let (_, _, files) = try render(timeline, "w.mkv")
        #expect(files.map(\.path).sorted() == ["w.poster.webp", "w.preview.webp"].map(directory.file))
        let poster = try Oracle.probe(try file(files, .poster).path)
        #expect(poster.video?.codec_name == "webp" && poster.video?.width == 160 && poster.video?.height == 120)
        let preview = try file(files, .preview)
        #expect(preview.width == 120 && preview.height == 90 && preview.duration == 1.5)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: preview.path))
        #expect(bytes.prefix(4) == Data("RIFF".utf8) && bytes.range(of: Data("ANIM".utf8)) != nil, "an animated WebP")
    }

    @Test func aFailingFileTakesTheOthersWithIt() throws {
        // A video without sound: the poster is made, then the mp3 cannot be, and neither is left.
        let silent = try clip("silent.mp4", seconds: 2, audio: .none)
        var timeline = Timeline(clips: [Clip(source: silent)])
        timeline.outputs = ExtraOutputs(poster: PosterOutput(), mp3: MP3Output())
        let extras = try #require(try TimelinePlanner.plan(timeline, outputPath: directory.file("x.mp4")).extras)
        let stem = directory.file("silent-out")
        #expect(throws: MediaError.self) { try ExtraOutputWriter.write(extras, from: silent, stem: stem) }
        #expect(!FileManager.default.fileExists(atPath: stem + ".poster.jpg"))
        #expect(!FileManager.default.fileExists(atPath: stem + ".audio.mp3"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func absurdValuesAreRefusedWithTheirFields() throws {
        var timeline = Timeline(clips: [Clip(source: try clip(seconds: 2))])
        timeline.outputs = ExtraOutputs(
            poster: PosterOutput(time: .nan, width: 100_000), sprite: SpriteOutput(interval: 0.001, columns: 0, width: 5),
            preview: PreviewOutput(start: -1, duration: 60, width: 1920, fps: 120), mp3: MP3Output(bitrate: 1))
        let fields = Set(problems(timeline).map(\.field))
        #expect(
            fields == [
                "outputs.poster.time", "outputs.poster.width", "outputs.sprite.interval", "outputs.sprite.columns", "outputs.sprite.width",
                "outputs.preview.start", "outputs.preview.duration", "outputs.preview.width", "outputs.preview.fps", "outputs.mp3.bitrate",
            ], "\(fields)")

        // Within range, but not within this 2 s video.
        timeline.outputs = ExtraOutputs(poster: PosterOutput(time: 5), preview: PreviewOutput(start: 1, duration: 4))
        #expect(Set(problems(timeline).map(\.field)) == ["outputs.poster.time", "outputs.preview.duration"])
        timeline.outputs = ExtraOutputs(preview: PreviewOutput(start: 3))
        #expect(problems(timeline).map(\.field) == ["outputs.preview.start"])

        let json = Data(#"{"clips":[{"source":"a.mp4"}],"outputs":{"poster":{"fromat":"jpeg"},"gif":{}}}"#.utf8)
        #expect(Set(Timeline.unknownFields(in: json).map(\.field)) == ["outputs.poster.fromat", "outputs.gif"])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Timeline.self, from: Data(#"{"clips":[],"outputs":{"poster":{"format":"png"}}}"#.utf8))
        }
    }

    func problems(_ timeline: Timeline) -> [FieldProblem] {
        do {
            _ = try TimelinePlanner.plan(timeline, outputPath: directory.file("bad.mp4"))
            return []
        } catch {
            #expect(error.kind == .invalidArgument)
            return error.fieldProblems
        }
    }
}
