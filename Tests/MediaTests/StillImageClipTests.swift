import Foundation
import Media
import TestSupport
import Testing

/// Still images as clips: their length in frames, smooth sub-pixel motion, a zoom that
/// zooms, and hostile pictures; measured on the decoded output with ffmpeg.
@Suite struct StillImageClipTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    /// A detailed picture (testsrc2) written by the ffmpeg CLI, the independent oracle.
    func image(_ name: String = "picture.png", size: String = "640x360") throws -> String {
        let path = directory.file(name)
        let run = try ProcessRunner.run(
            "ffmpeg", ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=\(size)", "-frames:v", "1", "-y", path])
        guard run.status == 0 else { throw Oracle.Failure(description: run.stderr) }
        return path
    }

    func render(_ timeline: Timeline, _ name: String = "out.mp4") throws -> (String, RenderResult) {
        let path = directory.file(name)
        let plan = try TimelinePlanner.plan(timeline, outputPath: path)
        return (path, try TimelineRenderer.render(plan, to: path))
    }

    /// Every decoded frame as grey bytes of `width`x`height`.
    func grayFrames(_ path: String, width: Int, height: Int) throws -> [[UInt8]] {
        let run = try ProcessRunner.run(
            "ffmpeg",
            ["-v", "error", "-nostdin", "-i", path, "-vf", "scale=\(width):\(height)", "-pix_fmt", "gray", "-f", "rawvideo", "-"])
        guard run.status == 0 else { throw Oracle.Failure(description: run.stderr) }
        let bytes = Array(run.stdoutData)
        let size = width * height
        return stride(from: 0, to: bytes.count - size + 1, by: size).map { Array(bytes[$0..<$0 + size]) }
    }

    static let small = OutputSettings(width: 320, height: 180, fps: 30, crf: 12)

    @Test func anImageClipHasItsLengthInFrames() throws {
        let picture = try image()
        let video = Paths.fixture("clip_640x480_25.mp4")
        let (path, result) = try render(
            Timeline(
                clips: [
                    Clip(source: picture, duration: 2.5, motion: .zoomIn), Clip(source: video, out: 1),
                    Clip(source: picture, duration: 1, motion: .panLeft, motionStrength: 0.2),
                ],
                transition: Transition(type: "fade", duration: 0.5), output: Self.small))
        // 75 + 30 + 30 frames, two fades of 15 overlapping.
        #expect(result.frames == 105)
        #expect(try Oracle.probe(path, countFrames: true).video?.nb_read_frames == "105")
        let durations = try Oracle.streamDurations(path)
        #expect(abs((durations.audio ?? 0) - durations.video) <= 1.0 / 30, "silence of the image clips' length")
    }

    @Test(arguments: [StillMotion.zoomIn, .zoomOut, .panRight, .panUp])
    func motionIsSmooth(motion: StillMotion) throws {
        let picture = try image()
        let (path, _) = try render(
            Timeline(clips: [Clip(source: picture, duration: 3, motion: motion, motionStrength: 0.1)], output: Self.small))
        let frames = try grayFrames(path, width: 320, height: 180)
        #expect(frames.count == 90)
        let differences = zip(frames, frames.dropFirst()).map { Oracle.meanAbsoluteDifference($0, $1) }
        let mean = differences.reduce(0, +) / Double(differences.count)
        let deviation = (differences.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(differences.count)).squareRoot()
        // Whole-pixel steps would leave frames unchanged, then jump: a large spread and near-zero minima.
        // 10% over 3 s at 320x180: about a quarter of a grey level per pixel per frame.
        #expect(mean > 0.15, "the picture moves: \(differences)")
        #expect(differences.min()! > mean * 0.4, "no frame stands still: \(differences)")
        #expect(deviation / mean < 0.35, "steady: coefficient of variation \(deviation / mean), \(differences)")
    }

    @Test func zoomInEndsOnTheCentreOfThePicture() throws {
        let picture = try image()
        let (path, _) = try render(
            Timeline(clips: [Clip(source: picture, duration: 2, motion: .zoomIn, motionStrength: 0.3)], output: Self.small))
        // The last frame (at 59.5/60 of the clip) shows the centre 1/z of the picture, z = 1 + 0.3 × 59.5/60.
        let zoom = 1 + 0.3 * 59.5 / 60
        let expected = directory.file("expected.png")
        let cli = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "error", "-nostdin", "-i", picture, "-vf",
                "scale=320:180,crop=w=iw/\(zoom):h=ih/\(zoom):exact=1,scale=320:180:flags=bilinear", "-y", expected,
            ])
        #expect(cli.status == 0, "\(cli.stderr)")
        let frames = try grayFrames(path, width: 320, height: 180)
        let reference = try grayFrames(expected, width: 320, height: 180)[0]
        let unzoomed = try grayFrames(picture, width: 320, height: 180)[0]
        let last = frames[frames.count - 1]
        #expect(Oracle.meanAbsoluteDifference(last, reference) < 6, "the zoomed centre")
        #expect(Oracle.meanAbsoluteDifference(last, unzoomed) > 3 * Oracle.meanAbsoluteDifference(last, reference))
        #expect(Oracle.meanAbsoluteDifference(frames[0], unzoomed) < 6, "it starts on the whole picture")
    }

    @Test func aStillWithoutMotionIsThePictureFitted() throws {
        let picture = try image(size: "400x400")
        let (path, result) = try render(
            Timeline(clips: [Clip(source: picture, duration: 1)], output: OutputSettings(width: 320, height: 180, fps: 25, fit: .contain)))
        #expect(result.frames == 25)
        let frames = try grayFrames(path, width: 320, height: 180)
        // Contain: black bars left and right of a 180x180 picture.
        #expect(frames[10][90 * 320 + 5] < 20)
        #expect(Oracle.meanAbsoluteDifference(frames[0], frames[24]) < 1)
    }

    @Test func anImageAloneSetsTheOutputSizeAndThirtyFPS() throws {
        let picture = try image(size: "322x182")
        let plan = try TimelinePlanner.plan(Timeline(clips: [Clip(source: picture, duration: 1)]))
        #expect(plan.width == 322 && plan.height == 182)
        #expect(plan.frameRate.value == 30)
        #expect(plan.totalFrames == 30)
    }

    @Test func beatSyncMovesTheEndOfAnImageClip() throws {
        let picture = try image()
        let song = Paths.fixture("song_120bpm.m4a")
        let plan = try TimelinePlanner.plan(
            Timeline(
                clips: [Clip(source: picture, duration: 2.2), Clip(source: picture, duration: 2.2, motion: .zoomOut)],
                audio: Soundtrack(source: song), beatSync: BeatSync(mode: .beat), output: Self.small))
        // 120 BPM: a beat every 0.5 s, so the cut at 2.2 s moves to 2.0 s (an image can only end earlier).
        #expect(plan.cutTimes.count == 1)
        #expect(abs(plan.cutTimes[0] - 2.0) < 0.05, "\(plan.cutTimes)")
    }

    @Test func validationNamesTheFields() throws {
        let picture = try image()
        let video = Paths.fixture("clip_640x480_25.mp4")
        func problems(_ timeline: Timeline) -> [String] {
            do {
                _ = try TimelinePlanner.plan(timeline)
                return []
            } catch {
                return error.fieldProblems.map(\.field)
            }
        }
        #expect(problems(Timeline(clips: [Clip(source: picture)])) == ["clips[0].duration"])
        #expect(problems(Timeline(clips: [Clip(source: picture, duration: 1e9)])) == ["clips[0].duration"])
        #expect(problems(Timeline(clips: [Clip(source: picture, duration: -1)])) == ["clips[0].duration"])
        #expect(problems(Timeline(clips: [Clip(source: picture, duration: .nan)])) == ["clips[0].duration"])
        #expect(problems(Timeline(clips: [Clip(source: picture, duration: 2, motion: .zoomIn, motionStrength: 5)])) == ["clips[0].motion_strength"])
        #expect(problems(Timeline(clips: [Clip(source: video, motion: .zoomIn)])) == ["clips[0].motion"])
        #expect(problems(Timeline(clips: [Clip(source: video, duration: 2)])) == ["clips[0].duration"])
        #expect(problems(Timeline(clips: [Clip(source: picture, in: 3, duration: 2)])) == ["clips[0].in"])
    }

    @Test func unknownAndMisspeltFieldsAreNamed() throws {
        let json = Data(
            #"{"clips": [{"source": "a.png", "duration": 2, "motoin": "zoom_in", "overlays": [{"text": "hi", "colour": "red"}]}], "overlays": [{"text": "x", "sise": 3}]}"#
                .utf8)
        let fields = Timeline.unknownFields(in: json).map(\.field)
        #expect(fields == ["clips[0].motoin", "clips[0].overlays[0].colour", "overlays[0].sise"])
        let timeline = try JSONDecoder().decode(
            Timeline.self,
            from: Data(#"{"clips": [{"source": "a.png", "duration": 2, "motion": "pan_left", "motion_strength": 0.2}]}"#.utf8))
        #expect(timeline.clips[0].motion == .panLeft && timeline.clips[0].motionStrength == 0.2 && timeline.clips[0].duration == 2)
    }

    @Test func aZeroBytePictureIsRefusedBeforeAnyWork() throws {
        let empty = directory.file("empty.png")
        FileManager.default.createFile(atPath: empty, contents: Data())
        let output = directory.file("out.mp4")
        #expect {
            _ = try TimelinePlanner.plan(Timeline(clips: [Clip(source: empty, duration: 2)]), outputPath: output)
        } throws: { error in
            let problems = (error as? MediaError)?.fieldProblems ?? []
            return problems.map(\.field) == ["clips[0].source"] && problems[0].message.contains("empty")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func aTruncatedPictureFailsTheRenderAndLeavesNoFile() throws {
        let picture = try image()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: picture))
        let truncated = directory.file("truncated.png")
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: truncated))
        let output = directory.file("out.mp4")
        #expect {
            let plan = try TimelinePlanner.plan(Timeline(clips: [Clip(source: truncated, duration: 2)], output: Self.small), outputPath: output)
            _ = try TimelineRenderer.render(plan, to: output)
        } throws: { error in
            let text = (error as? MediaError)?.description ?? ""
            return text.contains("truncated.png") && (text.contains("damaged") || text.contains("truncated"))
        }
        #expect(directory.contents().filter { $0.hasPrefix("out") }.isEmpty, "\(directory.contents())")
    }
}
