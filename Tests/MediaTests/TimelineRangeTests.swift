import Foundation
import Media
import TestSupport
import Testing

/// Every number of a timeline has a range, checked before any arithmetic: a hostile
/// value is a problem naming its field, never a trap (which would end this process).
@Suite struct TimelineRangeTests {
    let clip = Paths.fixture("clip_1280x720_30.mp4")  // 2 s
    let song = Paths.fixture("song_120bpm.m4a")

    static let hostile: [Double] = [1e300, -1e300, .nan, .infinity, -Double.infinity, 9_223_372_036_854_775_807, 1e19, -1]

    func fields(_ timeline: Timeline, limits: TimelineLimits = .media) -> Set<String> {
        do {
            _ = try TimelinePlanner.plan(timeline, outputPath: "/tmp/out.mp4", limits: limits)
            return []
        } catch {
            return Set(error.fieldProblems.map(\.field))
        }
    }

    @Test func everyTimeNumberOutOfRangeNamesItsField() {
        let setters: [(String, (inout Timeline, Double) -> Void)] = [
            ("clips[0].in", { $0.clips[0].in = $1 }),
            ("clips[0].out", { $0.clips[0].out = $1 }),
            ("clips[0].volume", { $0.clips[0].volume = $1 }),
            ("transition.duration", { $0.transition = Transition(type: "fade", duration: $1) }),
            ("transitions[0].duration", { $0.transitions = [Transition(type: "wipeleft", duration: $1)] }),
            ("audio.start", { $0.audio?.start = $1 }),
            ("audio.fade_in", { $0.audio?.fadeIn = $1 }),
            ("audio.fade_out", { $0.audio?.fadeOut = $1 }),
            ("audio.volume", { $0.audio?.volume = $1 }),
            ("audio.clip_audio_volume", { $0.audio?.clipAudioVolume = $1 }),
            ("audio.loudness", { $0.audio?.loudness = $1 }),
            ("audio.true_peak", { $0.audio?.truePeak = $1 }),
            ("beat_sync.max_shift", { $0.beatSync = BeatSync(mode: .off, maxShift: $1) }),
            ("output.fps", { $0.output.fps = $1 }),
        ]
        for (field, set) in setters {
            for value in Self.hostile where field != "audio.true_peak" || value != -1 {
                var timeline = Timeline(clips: [Clip(source: clip), Clip(source: clip)], audio: Soundtrack())
                set(&timeline, value)
                #expect(fields(timeline).contains(field), "\(field) = \(value)")
            }
        }
    }

    @Test func everyIntegerOutOfRangeNamesItsField() {
        let setters: [(String, (inout Timeline, Int) -> Void)] = [
            (
                "output.width",
                {
                    $0.output.width = $1
                    $0.output.height = 720
                }
            ),
            (
                "output.height",
                {
                    $0.output.height = $1
                    $0.output.width = 1280
                }
            ),
            ("output.crf", { $0.output.crf = $1 }),
            ("output.audio_bitrate", { $0.output.audioBitrate = $1 }),
            ("beat_sync.every", { $0.beatSync = BeatSync(mode: .off, every: $1) }),
        ]
        for (field, set) in setters {
            for value in [Int.max, Int.min, -1, 1_000_000] {
                var timeline = Timeline(clips: [Clip(source: clip)])
                set(&timeline, value)
                #expect(fields(timeline).contains(field), "\(field) = \(value)")
            }
        }
    }

    @Test func tooManyClipsAreRefusedBeforeAnyIsProbed() throws {
        let limits = TimelineLimits(maxClips: 1000, maxOutputSeconds: 7200, maxPixelRate: 3840 * 2160 * 60, minCRF: 10, slowestPreset: "medium")
        var timeline = Timeline(clips: Array(repeating: Clip(source: clip), count: 190_000))
        timeline.output = OutputSettings(width: 4096, height: 4096, fps: 120, crf: 0, preset: "veryslow")
        var resolved = 0
        do {
            try TimelinePlanner.validate(
                timeline, limits: limits,
                resolve: {
                    resolved += 1
                    return $0
                }, probe: MediaProbe.probe)
            Issue.record("190 000 clips were accepted")
        } catch {
            #expect(Set(error.fieldProblems.map(\.field)) == ["clips", "output.fps", "output.crf", "output.preset"])
            #expect(error.fieldProblems.first { $0.field == "clips" }?.message.contains("1000") == true)
        }
        #expect(resolved == 0)
    }

    @Test func outputLengthAndPixelRateFromTheFirstClipAreBounded() {
        let limits = TimelineLimits(maxClips: 10, maxOutputSeconds: 3, maxPixelRate: 1280 * 720 * 10, minCRF: 0, slowestPreset: "veryslow")
        let tooLong = fields(Timeline(clips: [Clip(source: clip), Clip(source: clip)]), limits: limits)
        #expect(tooLong.contains("clips") && tooLong.contains("output"), "\(tooLong)")
        #expect(
            fields(
                Timeline(clips: [Clip(source: clip, out: 1), Clip(source: clip, out: 1)], output: OutputSettings(fps: 10)),
                limits: limits
            ).isEmpty)
    }
}
