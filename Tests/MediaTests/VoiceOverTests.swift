import Foundation
import Media
import TestSupport
import Testing

/// A voice-over mixed over the song, the song ducked under it by the voice's sidechain,
/// the whole mix normalized; measured on the decoded output with ffmpeg's ebur128.
@Suite struct VoiceOverTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    /// A sine of `hertz` for `seconds`, made by the ffmpeg CLI (the oracle, not the product).
    func tone(_ name: String, hertz: Int, seconds: Double) throws -> String {
        let path = directory.file(name)
        let made = try ProcessRunner.run(
            "ffmpeg",
            ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "sine=frequency=\(hertz):sample_rate=48000:duration=\(seconds)", "-y", path])
        #expect(made.status == 0, "\(made.stderr)")
        return path
    }

    func clip(seconds: Double) throws -> String {
        var spec = MockVideoSpec()
        spec.duration = seconds
        spec.width = 160
        spec.height = 120
        spec.frameRate = FrameRate(15)
        spec.audio = .none
        let path = directory.file("clip.mp4")
        try MockVideoSynthesizer.write(spec, to: path)
        return path
    }

    /// A 220 Hz "song" under a 3 kHz "voice" from 2.5 s to 4.5 s of a 6 s video.
    func timeline(depth: Double, loudness: Double?) throws -> Timeline {
        var timeline = Timeline(clips: [Clip(source: try clip(seconds: 6))])
        timeline.audio = Soundtrack(source: try tone("song.wav", hertz: 220, seconds: 8), fadeOut: 0, loudness: loudness)
        timeline.voiceover = VoiceOver(
            source: try tone("voice.wav", hertz: 3000, seconds: 2), start: 2.5,
            ducking: Ducking(depth: depth, attack: 0.05, release: 0.3))
        return timeline
    }

    /// ebur128 momentary loudness (LUFS, the 400 ms before `t`) of `path` through `filter`, at each time asked.
    static func momentary(_ path: String, filter: String, at times: [Double]) throws -> [Double] {
        let run = try ProcessRunner.run(
            "ffmpeg", ["-v", "info", "-nostdin", "-i", path, "-map", "0:a:0", "-af", "\(filter)ebur128", "-f", "null", "-"])
        #expect(run.status == 0, "\(run.stderr.suffix(400))")
        // Lines such as "t: 4.3 TARGET:-23 LUFS M: -20.1 S: ...".
        let readings: [(Double, Double)] = run.stderr.split(separator: "\n").compactMap { line in
            guard let t = line.range(of: "t: "), let m = line.range(of: "M:") else { return nil }
            let time = Double(line[t.upperBound...].split(separator: " ").first ?? "")
            let value = Double(line[m.upperBound...].split(separator: " ").first ?? "")
            guard let time, let value else { return nil }
            return (time, value)
        }
        return times.map { time in readings.min { abs($0.0 - time) < abs($1.0 - time) }?.1 ?? .nan }
    }

    static let musicOnly = "lowpass=f=600,lowpass=f=600,lowpass=f=600,"
    static let voiceOnly = "highpass=f=1500,highpass=f=1500,highpass=f=1500,"

    @Test(arguments: [6.0, 12.0, 20.0])
    func theMusicDropsByAtLeastTheDepthUnderTheVoice(depth: Double) throws {
        let path = directory.file("ducked\(Int(depth)).mp4")
        let plan = try TimelinePlanner.plan(try timeline(depth: depth, loudness: -16), outputPath: path)
        let result = try TimelineRenderer.render(plan, to: path)
        #expect(result.measuredLoudness != nil)
        // Before the voice (1.9–2.3 s) and under it (3.9–4.3 s, well past the attack).
        let music = try Self.momentary(path, filter: Self.musicOnly, at: [2.3, 4.3])
        let drop = music[0] - music[1]
        print("voice-over depth \(depth) dB: music \(music[0]) → \(music[1]) LUFS momentary, drop \(drop) dB")
        #expect(drop >= depth - 0.1, "music dropped \(drop) dB under the voice, asked \(depth)")
        #expect(drop <= depth + 1.5, "music dropped \(drop) dB, far more than asked \(depth)")
        let voice = try Self.momentary(path, filter: Self.voiceOnly, at: [2.3, 4.3])
        #expect(voice[1] > voice[0] + 30, "the voice is in the mix only from its start: \(voice)")
        // The whole mix on the target.
        let whole = try Oracle.loudness(path)
        print("voice-over mix: integrated \(whole.integrated) LUFS for a -16 target, true peak \(whole.truePeak)")
        #expect(abs(whole.integrated + 16) <= 1, "integrated \(whole.integrated) LUFS")
        #expect(try Oracle.streamDurations(path).audio.map { abs($0 - 6) < 0.05 } ?? false)
    }

    @Test func theMusicComesBackAfterTheVoice() throws {
        var timeline = try timeline(depth: 12, loudness: nil)
        timeline.voiceover?.start = 1
        let path = directory.file("back.mp4")
        _ = try TimelineRenderer.render(try TimelinePlanner.plan(timeline, outputPath: path), to: path)
        // Voice 1–3 s; with a 0.3 s release the music is back up by 5.5 s.
        let music = try Self.momentary(path, filter: Self.musicOnly, at: [0.9, 2.9, 5.9])
        #expect(music[0] - music[1] >= 12 - 0.1, "\(music)")
        #expect(abs(music[2] - music[0]) < 0.5, "\(music)")
    }

    @Test func aChunkedRenderMixesTheVoiceLikeTheOnePassRender() async throws {
        var timeline = try timeline(depth: 12, loudness: -16)
        timeline.clips = [Clip(source: timeline.clips[0].source, out: 3), Clip(source: timeline.clips[0].source)]
        let plan = try TimelinePlanner.plan(timeline, outputPath: directory.file("x.mp4"))
        let chunkPlan = try ChunkPlanner.plan(plan, chunkSeconds: 3)
        #expect(chunkPlan.isChunked)
        let moved = try chunkPlan.relocatingSources { "/scratch/" + ($0 as NSString).lastPathComponent }
        #expect(moved.plan.voiceover?.path == "/scratch/voice.wav")
        #expect(try JSONDecoder().decode(ChunkPlan.self, from: try JSONEncoder().encode(chunkPlan)) == chunkPlan)

        let onePass = directory.file("one-pass.mp4")
        _ = try TimelineRenderer.render(plan, to: onePass)
        let joined = directory.file("joined.mp4")
        _ = try await ChunkedRenderer.render(plan, to: joined, chunkSeconds: 3, on: .tests)
        #expect(try Oracle.decodedAudio(joined) == Oracle.decodedAudio(onePass), "the chunked render's sound differs")
    }

    // MARK: validation

    func problems(_ timeline: Timeline) -> [FieldProblem] {
        do {
            _ = try TimelinePlanner.plan(timeline, outputPath: directory.file("bad.mp4"))
            return []
        } catch {
            #expect(error.kind == .invalidArgument)
            return error.fieldProblems
        }
    }

    @Test func absurdNumbersAreRefusedWithTheirFields() throws {
        var timeline = Timeline(clips: [Clip(source: try clip(seconds: 2))])
        timeline.voiceover = VoiceOver(
            source: try tone("voice.wav", hertz: 3000, seconds: 1), start: -1, volume: .nan,
            ducking: Ducking(depth: 90, attack: 0, release: .infinity))
        let fields = problems(timeline).map(\.field)
        #expect(
            Set(fields) == [
                "voiceover.start", "voiceover.volume", "voiceover.ducking.depth", "voiceover.ducking.attack", "voiceover.ducking.release",
            ],
            "\(fields)")
    }

    @Test func aMissingOrSilentSourceAndALateStartAreRefused() throws {
        let video = try clip(seconds: 2)
        var timeline = Timeline(clips: [Clip(source: video)])
        timeline.voiceover = VoiceOver(source: directory.file("nowhere.wav"))
        #expect(problems(timeline).map(\.field) == ["voiceover.source"])
        timeline.voiceover = VoiceOver(source: video)  // no sound
        let silent = try #require(problems(timeline).first)
        #expect(silent.field == "voiceover.source" && silent.message.contains("no audio"), "\(silent)")
        timeline.voiceover = VoiceOver(source: try tone("voice.wav", hertz: 3000, seconds: 1), start: 2)
        let late = try #require(problems(timeline).first)
        #expect(late.field == "voiceover.start" && late.message.contains("past the end"), "\(late)")
    }

    @Test func misspeltAndMistypedFieldsAreNamed() throws {
        let json = Data(#"{"clips":[{"source":"a.mp4"}],"voiceover":{"source":"v.wav","ducking":{"dept":3}}}"#.utf8)
        #expect(Timeline.unknownFields(in: json).map(\.field) == ["voiceover.ducking.dept"])
        let decoded = try JSONDecoder().decode(
            Timeline.self, from: Data(#"{"clips":[{"source":"a.mp4"}],"voiceover":{"source":"v.wav"}}"#.utf8))
        #expect(decoded.voiceover == VoiceOver(source: "v.wav"), "defaults: start 0, volume 1, depth 12 dB")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Timeline.self, from: Data(#"{"clips":[],"voiceover":{"source":"v.wav","start":"soon"}}"#.utf8))
        }
    }
}
