import Foundation
import Media
import TestSupport
import Testing

/// Every problem of a timeline is reported at once, with its field path, before any work.
@Suite struct TimelineValidationTests {
    let clip = Paths.fixture("clip_1280x720_30.mp4")  // 2 s
    let song = Paths.fixture("song_120bpm.m4a")

    func problems(_ timeline: Timeline, output: String = "/tmp/out.mp4") -> [FieldProblem] {
        do {
            _ = try TimelinePlanner.plan(timeline, outputPath: output)
            return []
        } catch {
            #expect(error.kind == .invalidArgument)
            return error.fieldProblems
        }
    }

    @Test func manyProblemsAreReportedTogether() {
        var timeline = Timeline(clips: [
            Clip(source: clip, in: 1.5, out: 1.0),
            Clip(source: clip, in: 0, out: 9),
            Clip(source: clip, in: 5),
            Clip(source: clip),
        ])
        timeline.transitions = [
            Transition(type: "fadee", duration: 0.5), Transition(type: "fade", duration: 1.5),
            Transition(type: "wipeleft", duration: 0.3),
        ]
        timeline.output = OutputSettings(width: 1281, height: 8000, fps: 0, crf: 70)
        timeline.audio = Soundtrack(source: song, loudness: -3)
        let fields = Set(problems(timeline).map(\.field))
        for expected in [
            "clips[0].out", "clips[1].out", "clips[2].in", "transitions[0].type",
            "output.width", "output.height", "output.fps", "output.crf", "audio.loudness",
        ] {
            #expect(fields.contains(expected), "missing \(expected) in \(fields)")
        }
    }

    @Test func unknownTransitionListsTheValidOnes() throws {
        var timeline = Timeline(clips: [Clip(source: clip), Clip(source: clip)])
        timeline.transition = Transition(type: "sparkle", duration: 0.5)
        let problem = try #require(problems(timeline).first)
        #expect(problem.field == "transition.type")
        #expect(problem.message.contains("wipeleft") && problem.message.contains("circleopen"))
    }

    @Test func transitionLongerThanHalfAClipIsRefused() throws {
        var timeline = Timeline(clips: [Clip(source: clip, out: 1), Clip(source: clip)])
        timeline.transitions = [Transition(type: "fade", duration: 0.6)]
        let problem = try #require(problems(timeline).first)
        #expect(problem.field == "transitions[0].duration")
        #expect(problem.message.contains("0.5"), "\(problem.message)")
    }

    @Test func transitionsAreCheckedInWholeFrames() throws {
        // 0.5 s is 15 frames; two 0.25 s transitions round to 8 frames each: 16 > 15.
        let middle = Clip(source: clip, out: 0.5)
        var timeline = Timeline(clips: [Clip(source: clip), middle, Clip(source: clip)])
        timeline.transition = Transition(type: "fade", duration: 0.25)
        timeline.output.fps = 30
        let found = problems(timeline)
        #expect(!found.isEmpty && found.allSatisfy { $0.field == "transition.duration" }, "\(found)")
        timeline.transition = Transition(type: "fade", duration: 0.23)
        #expect(problems(timeline).isEmpty)
    }

    @Test func transitionCountMustMatchTheJoins() {
        var timeline = Timeline(clips: [Clip(source: clip), Clip(source: clip), Clip(source: clip)])
        timeline.transitions = [Transition(type: "fade")]
        #expect(problems(timeline).contains { $0.field == "transitions" })
    }

    @Test func codecMustFitTheContainer() {
        var timeline = Timeline(clips: [Clip(source: clip)])
        timeline.output.videoCodec = .h264
        #expect(problems(timeline, output: "/tmp/out.webm").contains { $0.field == "output.video_codec" })
        timeline.output.videoCodec = .vp9
        #expect(problems(timeline, output: "/tmp/out.webm").isEmpty)
        #expect(problems(timeline, output: "/tmp/out.mp4").isEmpty, "VP9 in mp4 is fine")
    }

    @Test func emptyClipListIsRefused() {
        #expect(problems(Timeline(clips: [])).map(\.field) == ["clips"])
    }

    @Test(arguments: [
        ("broken/truncated.mp4", "truncated"),
        ("broken/empty.mp4", "empty"),
        ("broken/text.mp4", "not a media file"),
        ("audio_only.mp4", "no video stream"),
        ("missing.mp4", "no such file"),
    ])
    func badClipsNameTheClip(fixture: String, words: String) throws {
        let timeline = Timeline(clips: [Clip(source: clip), Clip(source: Paths.fixture(fixture))])
        let problem = try #require(problems(timeline).first)
        #expect(problem.field == "clips[1].source")
        #expect(problem.message.contains(words), "\(problem.message)")
    }

    @Test func songWithoutAudioIsRefused() throws {
        var timeline = Timeline(clips: [Clip(source: clip)])
        timeline.audio = Soundtrack(source: Paths.fixture("clip_480x480_24_noaudio.mp4"))
        let problem = try #require(problems(timeline).first)
        #expect(problem.field == "audio.source")
        #expect(problem.message.contains("no audio stream"))
    }

    @Test func beatSyncNeedsASong() {
        var timeline = Timeline(clips: [Clip(source: clip)])
        timeline.beatSync = BeatSync(mode: .beat, maxShift: 5)
        #expect(Set(problems(timeline).map(\.field)) == ["beat_sync", "beat_sync.max_shift"])
    }

    @Test func defaultsComeFromTheFirstClip() throws {
        let plan = try TimelinePlanner.plan(
            Timeline(clips: [
                Clip(source: Paths.fixture("clip_720x1280_60.mp4")),
                Clip(source: clip),
            ]))
        #expect(plan.width == 720 && plan.height == 1280 && plan.frameRate == FrameRate(60, 1))
        #expect(plan.totalFrames == 90 + 120)
        #expect(plan.container == .mp4 && plan.audioCodec == .aac)
    }

    @Test func jsonUsesSnakeCaseAndDefaults() throws {
        let json = """
            {"clips": [{"source": "a.mp4", "in": 0.5}, {"source": "b.mp4", "out": 3}],
             "transition": {"type": "fade"},
             "timing": "preserve",
             "audio": {"source": "song.mp3", "fade_out": 2, "clip_audio": "duck", "loudness": null, "true_peak": -2},
             "beat_sync": {"mode": "off", "max_shift": 0.1},
             "output": {"width": 1920, "height": 1080, "video_codec": "hevc", "audio_bitrate": 128000}}
            """
        let timeline = try JSONDecoder().decode(Timeline.self, from: Data(json.utf8))
        #expect(timeline.clips[0].in == 0.5 && timeline.clips[0].out == nil && timeline.clips[1].out == 3)
        #expect(timeline.transition == Transition(type: "fade", duration: 0.5))
        #expect(timeline.timing == .preserve)
        #expect(timeline.audio?.loudness == nil, "an explicit null turns normalization off")
        #expect(timeline.audio?.clipAudio == .duck && timeline.audio?.fadeOut == 2 && timeline.audio?.truePeak == -2)
        #expect(timeline.beatSync?.maxShift == 0.1)
        #expect(timeline.output.videoCodec == .hevc && timeline.output.audioBitrate == 128_000)
        #expect(timeline.output.fit == .contain && timeline.output.crf == 23)

        let defaults = try JSONDecoder().decode(Soundtrack.self, from: Data(#"{"source": "s.mp3"}"#.utf8))
        #expect(defaults.loudness == -14 && defaults.clipAudio == .mute && defaults.truePeak == -1)
    }
}
