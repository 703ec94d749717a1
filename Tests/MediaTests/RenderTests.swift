import Foundation
import Media
import TestSupport
import Testing

/// Renders real timelines and checks the decoded output with ffmpeg/ffprobe.
@Suite struct RenderTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    /// A small mock clip made for the test.
    func mock(
        _ name: String, seconds: Double = 2, size: (Int, Int) = (320, 240), fps: Int32 = 30,
        pattern: MockPattern = .testsrc2, seed: UInt64 = 0, audio: MockAudio = .tone(hertz: 440)
    ) throws -> String {
        var spec = MockVideoSpec()
        spec.duration = seconds
        spec.width = size.0
        spec.height = size.1
        spec.frameRate = FrameRate(fps, 1)
        spec.pattern = pattern
        spec.seed = seed
        spec.audio = audio
        let path = directory.file(name)
        try MockVideoSynthesizer.write(spec, to: path)
        return path
    }

    func render(_ timeline: Timeline, _ name: String = "out.mp4") throws -> (String, RenderResult) {
        let path = directory.file(name)
        let plan = try TimelinePlanner.plan(timeline, outputPath: path)
        return (path, try TimelineRenderer.render(plan, to: path))
    }

    @Test(arguments: [(TimingMode.overlap, 4.5), (.preserve, 5.5)])
    func durationFollowsTheTimingMode(timing: TimingMode, expected: Double) throws {
        let clips = [try mock("a.mp4"), try mock("b.mp4", pattern: .smptehdbars), try mock("c.mp4", seconds: 1.5, seed: 3)]
        let (path, result) = try render(
            Timeline(
                clips: clips.map { Clip(source: $0) },
                transition: Transition(type: "fade", duration: 0.5), timing: timing))
        let durations = try Oracle.streamDurations(path)
        #expect(abs(durations.video - expected) <= 1.0 / 30)
        #expect(abs((durations.audio ?? 0) - durations.video) <= 1.0 / 30, "audio and video end together")
        #expect(result.frames == Int64(expected * 30))
        #expect(try Oracle.probe(path, countFrames: true).video?.nb_read_frames == String(Int(expected * 30)))
        let expectedCuts = timing == .overlap ? [1.75, 3.25] : [2.0, 4.0]
        #expect(zip(result.cuts, expectedCuts).allSatisfy { abs($0 - $1) < 1e-9 }, "\(result.cuts)")
    }

    @Test func fadeBlendsOnlyInsideItsWindow() throws {
        let a = try mock("a.mp4", pattern: .testsrc2, seed: 1)
        let b = try mock("b.mp4", pattern: .smptehdbars, seed: 2)
        let (path, _) = try render(
            Timeline(
                clips: [Clip(source: a), Clip(source: b)],
                transition: Transition(type: "fade", duration: 0.5)))
        // Overlap: A plays 0–2 s, B from 1.5 s; the fade is [1.5, 2.0). Sample frame centres.
        func frame(_ file: String, _ index: Int) throws -> [UInt8] { try Oracle.frameRGB(file, at: (Double(index) + 0.5) / 30) }
        let middle = try frame(path, 52)
        #expect(Oracle.meanAbsoluteDifference(middle, try frame(a, 52)) > 10)
        #expect(Oracle.meanAbsoluteDifference(middle, try frame(b, 7)) > 10)
        #expect(Oracle.meanAbsoluteDifference(try frame(path, 30), try frame(a, 30)) < 4, "before the window: A itself")
        #expect(Oracle.meanAbsoluteDifference(try frame(path, 80), try frame(b, 35)) < 4, "after the window: B itself")
    }

    @Test(arguments: ["wipeleft", "circleopen", "pixelize", "radial", "slideup", "dissolve", "fade"])
    func xfadeTransitionsMatchTheFFmpegCLI(type: String) throws {
        let a = try mock("a.mp4", seconds: 1, size: (160, 120), pattern: .color, seed: 3)
        let b = try mock("b.mp4", seconds: 1, size: (160, 120), pattern: .smptehdbars)
        let (path, result) = try render(
            Timeline(
                clips: [Clip(source: a), Clip(source: b)],
                transition: Transition(type: type, duration: 0.4)))
        #expect(result.frames == 48)
        #expect(try Oracle.probe(path, countFrames: true).video?.nb_read_frames == "48")
        // The same transition made by the ffmpeg CLI's xfade is the oracle for the picture mid-transition.
        let reference = directory.file("reference-\(type).mp4")
        let cli = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "error", "-nostdin", "-y", "-i", a, "-i", b, "-filter_complex",
                "[0:v][1:v]xfade=transition=\(type):duration=0.4:offset=0.6,format=yuv420p",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", reference,
            ])
        #expect(cli.status == 0, "\(cli.stderr)")
        for frame in [21, 24, 28] {
            let time = (Double(frame) + 0.5) / 30
            let difference = Oracle.meanAbsoluteDifference(
                try Oracle.frameRGB(path, at: time, width: 160, height: 120),
                try Oracle.frameRGB(reference, at: time, width: 160, height: 120))
            // dissolve is per-pixel noise, which two encodes render differently in detail.
            #expect(difference < (type == "dissolve" ? 12 : 6), "\(type) frame \(frame): mean difference \(difference)")
        }
    }

    @Test func audioStaysOnTheVideoAtEveryJoin() throws {
        // A has a tone, B has no audio track at all, C has a tone: silence must span B exactly.
        let a = try mock("a.mp4", seconds: 2)
        let b = try mock("b.mp4", seconds: 1.5, pattern: .smptehdbars, audio: .none)
        let c = try mock("c.mp4", seconds: 1, seed: 4)
        let (path, _) = try render(Timeline(clips: [a, b, c].map { Clip(source: $0) }))
        let silences = try Oracle.silenceStarts(path)
        #expect(silences.count == 1)
        #expect(abs((silences.first ?? 0) - 2.0) <= 1.0 / 30, "silence starts at the join: \(silences)")
        let durations = try Oracle.streamDurations(path)
        #expect(abs(durations.video - 4.5) <= 1.0 / 30)
        #expect(abs((durations.audio ?? 0) - 4.5) <= 1.0 / 30)
    }

    @Test func mixedInputsAreNormalized() throws {
        let fixtures = [
            "clip_1280x720_30.mp4", "clip_rotated.mp4", "clip_anamorphic.mp4", "clip_vfr.mp4",
            "clip_480x480_24_noaudio.mp4", "clip_640x360_30_vp9.webm", "clip_640x360_24_hevc.mkv",
            "clip_854x480_2997.mov", "clip_720x1280_60.mp4",
        ]
        for fit in FitMode.allCases {
            var timeline = Timeline(
                clips: fixtures.map { Clip(source: Paths.fixture($0)) },
                transition: Transition(type: "fade", duration: 0.25))
            timeline.output = OutputSettings(width: 640, height: 360, fps: 25, fit: fit)
            let (path, result) = try render(timeline, "\(fit).mp4")
            let report = try Oracle.probe(path, countFrames: true)
            let video = try #require(report.video)
            #expect(video.width == 640 && video.height == 360 && video.sample_aspect_ratio == "1:1")
            #expect(video.r_frame_rate == "25/1" && video.avg_frame_rate == "25/1", "constant 25 fps")
            #expect(video.nb_read_frames == String(result.frames))
            #expect(report.audio?.sample_rate == "48000" && report.audio?.channels == 2)
        }
    }

    @Test func rotatedClipIsShownUpright() throws {
        var timeline = Timeline(clips: [Clip(source: Paths.fixture("clip_rotated.mp4"))])
        timeline.output.fit = .cover
        let (path, result) = try render(timeline)
        #expect(result.width == 360 && result.height == 640, "the output takes the displayed (portrait) size")
        let video = try #require(try Oracle.probe(path).video)
        #expect(video.width == 360 && video.height == 640)
        #expect(video.side_data_list == nil, "the rotation is applied, not passed on")
    }

    @Test func soundtrackIsNormalizedToTheTargetLoudness() throws {
        let clips = [try mock("a.mp4", seconds: 3), try mock("b.mp4", seconds: 3, pattern: .smptehdbars)]
        for target in [-14.0, -23.0] {
            var timeline = Timeline(clips: clips.map { Clip(source: $0) }, transition: Transition(type: "fade", duration: 0.5))
            timeline.audio = Soundtrack(source: Paths.fixture("song_120bpm.m4a"), fadeIn: 0.5, fadeOut: 1, loudness: target, truePeak: -1)
            let (path, result) = try render(timeline, "loud\(Int(-target)).mp4")
            let measured = try Oracle.loudness(path)
            #expect(abs(measured.integrated - target) <= 1, "integrated \(measured.integrated) for target \(target)")
            #expect(measured.truePeak <= -1 + 0.2, "true peak \(measured.truePeak)")
            #expect(result.measuredLoudness != nil)
        }
    }

    @Test(arguments: [ClipAudioMode.mute, .mix, .duck])
    func clipAudioModes(mode: ClipAudioMode) throws {
        // A clip with a tone under a song: muted, mixed, or mixed with the song ducked.
        let clip = try mock("a.mp4", seconds: 3, audio: .tone(hertz: 3000))
        var timeline = Timeline(clips: [Clip(source: clip)])
        timeline.audio = Soundtrack(source: Paths.fixture("song_120bpm.m4a"), clipAudio: mode, loudness: nil)
        let (path, _) = try render(timeline, "\(mode).mp4")
        // The 3 kHz tone is the clip's; a band-pass around it tells whether it is in the mix.
        let result = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "info", "-nostdin", "-i", path, "-af",
                "bandpass=f=3000:width_type=q:w=20,volumedetect", "-f", "null", "-",
            ])
        let line = result.stderr.split(separator: "\n").first { $0.contains("mean_volume") } ?? ""
        let mean = Double(line.split(separator: " ").dropLast().last ?? "") ?? .nan
        if mode == .mute { #expect(mean < -40, "\(mode): \(mean)") } else { #expect(mean > -30, "\(mode): \(mean)") }
    }

    @Test func shortSongWithoutLoopEndsInSilenceAndLoopKeepsPlaying() throws {
        let clip = try mock("a.mp4", seconds: 4, audio: .none)
        for loop in [false, true] {
            var timeline = Timeline(clips: [Clip(source: clip)])
            // Start 1 s before the song's end: 1 s of song, then silence or the song again.
            timeline.audio = Soundtrack(source: Paths.fixture("song_120bpm.m4a"), start: 15, fadeOut: 0, loop: loop, loudness: nil)
            let (path, _) = try render(timeline, "loop\(loop).mp4")
            let silences = try Oracle.silenceStarts(path, minimum: 0.6)
            if loop { #expect(silences.isEmpty, "\(silences)") } else { #expect(silences.count == 1 && abs(silences[0] - 1) < 0.1, "\(silences)") }
        }
    }

    @Test func aSongThatEndsOnAReadChunkStillLoops() throws {
        // 49152 samples = 12 chunks of 4096: the read after the last one gives nothing.
        let song = directory.file("exact.wav")
        let made = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "error", "-nostdin", "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000",
                "-af", "atrim=end_sample=49152", "-ac", "2", song,
            ])
        #expect(made.status == 0, "\(made.stderr)")
        var timeline = Timeline(clips: [Clip(source: try mock("a.mp4", seconds: 4, audio: .none))])
        timeline.audio = Soundtrack(source: song, fadeOut: 0, loop: true, loudness: nil)
        let (path, _) = try render(timeline)
        let silences = try Oracle.silenceStarts(path, minimum: 0.2)
        #expect(silences.isEmpty, "the song stopped looping at \(silences)")
    }

    @Test func manyClipsRenderInBoundedPieces() throws {
        let clip = try mock("tiny.mp4", seconds: 0.2, size: (64, 64), audio: .tone(hertz: 220))
        let timeline = Timeline(clips: Array(repeating: Clip(source: clip), count: 300))
        let (path, result) = try render(timeline)
        #expect(result.frames == 1800)
        #expect(try Oracle.probe(path, countFrames: true).video?.nb_read_frames == "1800")
    }

    @Test func trimsSelectTheRequestedRange() throws {
        let source = try mock("long.mp4", seconds: 4)
        let (path, result) = try render(Timeline(clips: [Clip(source: source, in: 1, out: 2.5)]))
        #expect(result.frames == 45)
        // Frame 0 of the output is frame 30 of the source (the timecode drawn differs otherwise).
        let first = try Oracle.frameRGB(path, at: 0.5 / 30)
        #expect(Oracle.meanAbsoluteDifference(first, try Oracle.frameRGB(source, at: 30.5 / 30)) < 4)
    }

    @Test func aTrimBetweenSourceFramesStartsOnTheFrameShownAtThatMoment() throws {
        // 10 fps: source frame 2 is on screen from 0.2 to 0.3 s, so at `in` = 0.21 s.
        let source = try mock("ten.mp4", seconds: 2, fps: 10)
        let (path, result) = try render(Timeline(clips: [Clip(source: source, in: 0.21, out: 1.21)], output: OutputSettings(fps: 30)))
        #expect(result.frames == 30)
        // The oracle seeks to the first frame at or after a time: just before a frame's own start.
        func frame(_ file: String, _ index: Int, fps: Double) throws -> [UInt8] {
            try Oracle.frameRGB(file, at: max(0, (Double(index) - 0.1) / fps))
        }
        let first = try frame(path, 0, fps: 30)
        let shown = Oracle.meanAbsoluteDifference(first, try frame(source, 2, fps: 10))
        let next = Oracle.meanAbsoluteDifference(first, try frame(source, 3, fps: 10))
        #expect(shown < 4 && next > 4, "first frame vs source frame 2: \(shown), vs frame 3: \(next)")
        // Later on too: output frame 29 is 1.177 s into the source, where frame 11 (1.1–1.2 s) is on screen.
        #expect(Oracle.meanAbsoluteDifference(try frame(path, 29, fps: 30), try frame(source, 11, fps: 10)) < 4)
    }

    @Test func theLastSourceFrameLastsItsWholeDuration() throws {
        // 10 fps, 2 s: frame 19 is on screen from 1.9 to 2.0 s, three output frames at 30 fps.
        let source = try mock("ten.mp4", seconds: 2, fps: 10)
        let (whole, _) = try render(Timeline(clips: [Clip(source: source)], output: OutputSettings(fps: 30)), "whole.mp4")
        let last = try Oracle.frameRGB(source, at: 1.89)
        for index in 57...59 {
            #expect(Oracle.meanAbsoluteDifference(try Oracle.frameRGB(whole, at: (Double(index) - 0.1) / 30), last) < 4, "frame \(index)")
        }
        // An `in` after the last frame's start is still inside the media: that frame, not an error.
        let (tail, result) = try render(Timeline(clips: [Clip(source: source, in: 1.95)], output: OutputSettings(fps: 30)), "tail.mp4")
        #expect(result.frames == 2)
        #expect(Oracle.meanAbsoluteDifference(try Oracle.frameRGB(tail, at: 0), last) < 4)
        // Even in the last tenth of an output frame.
        let thirty = try mock("thirty.mp4", seconds: 2)
        let (_, edge) = try render(Timeline(clips: [Clip(source: thirty, in: 1.997)]), "edge.mp4")
        #expect(edge.frames == 1)
    }

    @Test func aLiveRecordingWhoseSoundOutlastsItsPictureRenders() throws {
        // Written to a pipe, as a browser records: no duration anywhere, 1 s of picture, 2 s of sound.
        let live = directory.file("live.webm")
        let made = try ProcessRunner.run(
            "/bin/sh",
            [
                "-c",
                "ffmpeg -v error -nostdin -f lavfi -i testsrc=d=1:s=320x240:r=30 -f lavfi -i sine=d=2 "
                    + "-c:v libvpx-vp9 -deadline realtime -c:a libopus -f webm - > '\(live)'",
            ])
        #expect(made.status == 0, "\(made.stderr)")
        let (path, result) = try render(Timeline(clips: [Clip(source: live)]), "live.mp4")
        #expect(result.frames == 30, "the picture's own length, not the sound's")
        #expect(abs(try Oracle.streamDurations(path).video - 1) <= 1.0 / 30)
    }

    @Test func compatibleClipsWithCutsAreCopiedUntouched() throws {
        let clips = try (1...3).map { try mock("c\($0).mp4", seconds: 1, seed: UInt64($0)) }
        var timeline = Timeline(clips: clips.map { Clip(source: $0) })
        timeline.audio = Soundtrack(source: Paths.fixture("song_120bpm.m4a"))
        let (path, result) = try render(timeline)
        #expect(result.videoCopied)
        // Copied, not re-encoded: the decoded frames are the sources' own, bit for bit.
        let expected = try clips.flatMap { try Oracle.videoFrameHashes($0) }
        #expect(try Oracle.videoFrameHashes(path) == expected)
        let durations = try Oracle.streamDurations(path)
        #expect(abs(durations.video - 3) <= 1.0 / 30 && abs((durations.audio ?? 0) - 3) <= 1.0 / 30)
        #expect(abs(try Oracle.loudness(path).integrated + 14) <= 1, "the audio is still mixed and normalized")
    }

    @Test func fastPathIsNotTakenWhenItCannotBe() throws {
        let a = try mock("a.mp4", seconds: 1)
        let b = try mock("b.mp4", seconds: 1, seed: 2)
        let other = try mock("other.mp4", seconds: 1, size: (160, 120))
        let cases: [(String, Timeline)] = [
            ("a transition", Timeline(clips: [Clip(source: a), Clip(source: b)], transition: Transition(type: "fade", duration: 0.2))),
            ("another size", Timeline(clips: [Clip(source: a), Clip(source: other)])),
            ("a trim off a keyframe", Timeline(clips: [Clip(source: a, in: 0.3), Clip(source: b)])),
            ("another output fps", Timeline(clips: [Clip(source: a), Clip(source: b)], output: OutputSettings(fps: 25))),
        ]
        for (index, (reason, timeline)) in cases.enumerated() {
            let (path, result) = try render(timeline, "case\(index).mp4")
            #expect(!result.videoCopied, "\(reason)")
            #expect(try Oracle.probe(path, countFrames: true).video?.nb_read_frames == String(result.frames), "\(reason)")
        }
    }

    @Test func soundKeepsItsOffsetFromAPictureThatStartsLate() throws {
        // A file whose picture starts 0.5 s into the container; a flash and a tone both at 1.0 s.
        func ffmpeg(_ arguments: [String]) throws {
            let result = try ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-y"] + arguments)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let video = directory.file("late.mkv")
        let audio = directory.file("full.mka")
        let both = directory.file("offset.mkv")
        try ffmpeg([
            "-f", "lavfi", "-i", "color=black:s=160x120:r=30:d=1.5,drawbox=c=white:t=fill:enable='gte(t,0.5)',format=yuv420p",
            "-c:v", "libx264", video,
        ])
        try ffmpeg(["-f", "lavfi", "-i", "sine=f=1000:d=2:sample_rate=48000,volume=volume=0:enable='lt(t,1.0)'", "-c:a", "libopus", audio])
        try ffmpeg(["-itsoffset", "0.5", "-i", video, "-i", audio, "-map", "0", "-map", "1", "-c", "copy", both])
        let (path, _) = try render(Timeline(clips: [Clip(source: both)]))
        let flash = try #require(try Oracle.sceneCuts(path).first)
        let silence = try Oracle.silenceStarts(path, minimum: 0.2)
        #expect(silence.first.map { $0 < 0.05 } == true, "the output starts silent: \(silence)")
        // The tone begins where the leading silence ends; silencedetect reports that as the next loud moment.
        let result = try ProcessRunner.run(
            "ffmpeg", ["-v", "info", "-nostdin", "-i", path, "-af", "silencedetect=noise=-50dB:d=0.2", "-f", "null", "-"])
        let toneStart = result.stderr.split(separator: "\n").compactMap { line -> Double? in
            guard let range = line.range(of: "silence_end: ") else { return nil }
            return Double(line[range.upperBound...].split(separator: " ").first ?? "")
        }.first
        #expect(abs((toneStart ?? -1) - flash) <= 1.0 / 30 + 0.02, "tone at \(toneStart ?? -1) s, flash at \(flash) s")
    }

    @Test func aClipCutShortFailsInsteadOfFreezing() throws {
        // A webm cut in half still says it lasts 2 s; its second second does not exist.
        let original = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("clip_640x360_30_vp9.webm")))
        let half = directory.file("half.webm")
        try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: half))
        let path = directory.file("cut-short.mp4")
        let plan = try TimelinePlanner.plan(
            Timeline(clips: [Clip(source: Paths.fixture("clip_640x480_25.mp4")), Clip(source: half)]),
            outputPath: path)
        let error = #expect(throws: MediaError.self) { try TimelineRenderer.render(plan, to: path) }
        #expect(error?.kind == .truncated)
        #expect(error?.message.hasPrefix("clip 1: ") == true && error?.message.contains("cut short") == true, "\(error?.message ?? "")")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func cancellationLeavesNothing() throws {
        let clips = (0..<4).map { _ in Clip(source: Paths.fixture("clip_1280x720_30.mp4")) }
        let path = directory.file("cancelled.mp4")
        let plan = try TimelinePlanner.plan(Timeline(clips: clips), outputPath: path)
        let flag = CancellationFlag()
        let recorder = ProgressRecorder { if $0.fraction > 0.2 { flag.cancel() } }
        #expect(throws: MediaError.cancelled(path)) {
            try TimelineRenderer.render(plan, to: path, progress: recorder.record, cancellation: flag)
        }
        #expect(!directory.contents().contains { $0.contains("cancelled") }, "\(directory.contents())")
    }
}
