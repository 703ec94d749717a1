import Foundation
import Media
import TestSupport
import Testing

/// Beat tracking on synthesized tracks with exactly known beats.
@Suite struct BeatTrackerTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func analyze(_ track: DrumTrack, _ name: String = "track.wav") throws -> BeatAnalysis {
        let path = directory.file(name)
        try track.writeWAV(to: path)
        return try BeatTracker.analyze(path)
    }

    @Test(arguments: [70.0, 90, 105, 120, 128, 140, 150, 165, 174, 190])
    func rockAtEveryTempo(bpm: Double) throws {
        let track = DrumTrack.make(style: .rock, tempi: [bpm], seconds: 30)
        let analysis = try analyze(track)
        #expect(abs(analysis.tempo - bpm) / bpm < 0.02, "tempo \(analysis.tempo) for \(bpm)")
        let f = beatFMeasure(reference: track.beats, estimated: analysis.beats)
        #expect(f >= 0.95, "F \(f) at \(bpm) BPM")
        #expect(analysis.beatsPerBar == 4)
        #expect(beatFMeasure(reference: track.downbeats, estimated: analysis.downbeats) >= 0.9, "downbeats at \(bpm) BPM")
        #expect(analysis.confidence > 0.5)
    }

    @Test(arguments: [80.0, 120, 160])
    func clickTrackBeatsAreOnTime(bpm: Double) throws {
        let track = DrumTrack.make(style: .clicks, tempi: [bpm], seconds: 20)
        let analysis = try analyze(track)
        #expect(
            beatFMeasure(reference: track.beats, estimated: analysis.beats, window: 0.02) >= 0.95,
            "within 20 ms at \(bpm) BPM: \(zip(track.beats, analysis.beats).prefix(4).map { $1 - $0 })")
        #expect(beatFMeasure(reference: track.downbeats, estimated: analysis.downbeats) >= 0.95)
    }

    /// 168: fast enough that the bar (56 BPM) is a plausible beat; the beats between must still count.
    @Test(arguments: [96.0, 150, 168])
    func waltzIsThreeFour(bpm: Double) throws {
        let track = DrumTrack.make(style: .waltz, tempi: [bpm], seconds: 30, beatsPerBar: 3)
        let analysis = try analyze(track)
        #expect(analysis.beatsPerBar == 3)
        #expect(beatFMeasure(reference: track.beats, estimated: analysis.beats) >= 0.95)
        #expect(beatFMeasure(reference: track.downbeats, estimated: analysis.downbeats) >= 0.9)
    }

    @Test func swingIsNotThrownOff() throws {
        let track = DrumTrack.make(style: .swing, tempi: [112], seconds: 30)
        let analysis = try analyze(track)
        #expect(abs(analysis.tempo - 112) < 2)
        #expect(beatFMeasure(reference: track.beats, estimated: analysis.beats) >= 0.95)
    }

    @Test func tempoStepIsFollowed() throws {
        let track = DrumTrack.make(style: .rock, tempi: [110, 140], seconds: 40)
        let analysis = try analyze(track)
        #expect(beatFMeasure(reference: track.beats, estimated: analysis.beats) >= 0.9)
        let late = analysis.beats.filter { $0 > 25 }
        let lateTempo = 60 * Double(late.count - 1) / ((late.last ?? 0) - (late.first ?? 0))
        #expect(abs(lateTempo - 140) < 4, "after the step: \(lateTempo)")
    }

    /// Steps both ways (120 → 150 → 100 BPM, 15 s each): every beat is found within 70 ms
    /// except at most the first two after each step.
    @Test func tempoStepsBothWaysAreFollowedWithinTwoBeats() throws {
        let track = DrumTrack.make(style: .rock, tempi: [120, 150, 100], seconds: 45)
        let analysis = try analyze(track)
        let steps = [15.0, 30.0]
        let missed = track.beats.filter { beat in beat > 1 && !analysis.beats.contains { abs($0 - beat) <= 0.07 } }
        for beat in missed {
            let afterStep = steps.contains { step in
                let following = track.beats.filter { $0 >= step - 0.01 }.prefix(2)
                return following.contains { abs($0 - beat) < 1e-6 }
            }
            #expect(afterStep, "beat at \(beat) s missed, not one of the two after a step")
        }
        #expect(missed.count <= 4, "missed \(missed)")
    }

    /// Kick and snare alone say half the tempo; the hats, above 8 kHz only, play all four
    /// sixteenths of that slow beat: the beat is counted at the hats' eighths.
    @Test(arguments: [120.0, 140])
    func halfTimeGrooveIsCountedAtTheHatsPace(bpm: Double) throws {
        let track = DrumTrack.make(style: .halftime, tempi: [bpm], seconds: 30)
        let analysis = try analyze(track)
        #expect(abs(analysis.tempo - bpm) / bpm < 0.02, "tempo \(analysis.tempo) for \(bpm)")
        #expect(beatFMeasure(reference: track.beats, estimated: analysis.beats) >= 0.9)
    }

    @Test func silenceHasNoBeat() throws {
        let silent = DrumTrack(samples: [Float](repeating: 0, count: 44_100 * 10), sampleRate: 44_100, beats: [], downbeats: [])
        let analysis = try analyze(silent)
        #expect(analysis.beats.isEmpty && analysis.tempo == 0 && analysis.confidence == 0)
        #expect(abs(analysis.duration - 10) < 0.01)
    }

    @Test func whiteNoiseHasNoSteadyBeat() throws {
        var random = SystemRandomNumberGenerator()
        let noise = (0..<(44_100 * 15)).map { _ in Float.random(in: -0.5...0.5, using: &random) }
        let analysis = try analyze(DrumTrack(samples: noise, sampleRate: 44_100, beats: [], downbeats: []))
        #expect(analysis.confidence < 0.3, "confidence \(analysis.confidence) on noise")
        #expect(!analysis.pulse, "a grid in noise: \(analysis.tempo) BPM")
        #expect(analysis.tempo.isFinite)
    }

    @Test func oneSecondOfAudioIsHandled() throws {
        let track = DrumTrack.make(style: .clicks, tempi: [120], seconds: 1)
        let analysis = try analyze(track)
        #expect(analysis.duration > 0.9 && analysis.duration < 1.1)
        #expect(analysis.tempo.isFinite && analysis.confidence.isFinite)
    }

    @Test func jsonNeverHoldsNaN() throws {
        let silent = DrumTrack(samples: [Float](repeating: 0, count: 4_410), sampleRate: 44_100, beats: [], downbeats: [])
        let data = try JSONEncoder().encode(try analyze(silent))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "duration", "tempo", "beats", "downbeats", "beats_per_bar", "confidence", "pulse",
                "cut_points", "sections", "bar_energy",
            ])
    }

    @Test func videoWithoutSoundIsAClearError() throws {
        let error = #expect(throws: MediaError.self) { try BeatTracker.analyze(Paths.fixture("clip_480x480_24_noaudio.mp4")) }
        #expect(error?.kind == .noAudioStream)
        #expect(error?.message.contains("without a sound track") == true)
    }

    @Test func videoSoundIsAnalyzed() throws {
        let analysis = try BeatTracker.analyze(Paths.fixture("song_120bpm.m4a"))
        #expect(abs(analysis.tempo - 120) < 1)
        #expect(analysis.downbeats.prefix(3).enumerated().allSatisfy { abs($1 - Double($0) * 2) < 0.05 })
    }

    /// A quiet verse then a loud chorus: a section starts on the downbeat where it changes,
    /// and the bar energy follows; the cuts are the downbeats.
    @Test func loudChorusStartsASection() throws {
        let track = DrumTrack.make(style: .rock, tempi: [120], seconds: 40)
        let change = try #require(track.downbeats.min { abs($0 - 20) < abs($1 - 20) })
        let samples = track.samples.enumerated().map { index, sample in
            Double(index) / Double(track.sampleRate) < change - 0.01 ? 0.2 * sample : sample
        }
        let analysis = try analyze(
            DrumTrack(
                samples: samples, sampleRate: track.sampleRate, beats: track.beats,
                downbeats: track.downbeats))
        #expect(analysis.pulse)
        #expect(analysis.sections.contains { abs($0 - change) < 0.1 }, "sections \(analysis.sections), change at \(change)")
        #expect(analysis.barEnergy.count == analysis.downbeats.count)
        let quiet = zip(analysis.downbeats, analysis.barEnergy).filter { $0.0 < change - 1 }.map(\.1)
        // The last bar may be cut short by the end of the file.
        let loud = zip(analysis.downbeats, analysis.barEnergy).dropLast().filter { $0.0 > change + 1 }.map(\.1)
        #expect((quiet.max() ?? 1) < 0.3 && (loud.min() ?? 0) > 0.7, "quiet \(quiet), loud \(loud)")
        #expect(analysis.cutPoints == analysis.downbeats)
    }

    /// Pads without drums whose chord changes on every bar (four beats at 84 BPM), each
    /// fading in over 0.3 s under the last one's release: the harmony is the pulse, and the
    /// grid of its bars, split in four, is the beat. A slow attack's start is heard up to
    /// 0.1 s late (these pure tones leak into the pitch classes around them), hence 0.15 s.
    @Test func padsChangingOnEveryBarGetABeatGrid() throws {
        let bpm = 84.0
        let bar = 4 * 60 / bpm
        let roots = [220.0, 174.6, 261.6, 196.0, 233.1, 164.8]
        let rate = 22_050
        let seconds = 32.0
        var samples = [Float](repeating: 0, count: Int(seconds * Double(rate)))
        for (index, start) in stride(from: 0.0, to: seconds, by: bar).enumerated() {
            let root = roots[index % roots.count]
            let end = min(seconds, start + bar + 0.8)
            for n in Int(start * Double(rate))..<Int(end * Double(rate)) {
                let t = Double(n) / Double(rate) - start
                let release = t > bar ? max(0, 1 - (t - bar) / 0.8) : 1
                let chord = [1.0, 1.26, 1.5, 2.0].reduce(0.0) { $0 + sin(2 * .pi * root * $1 * t) }
                samples[n] += Float(0.1 * min(1, t / 0.3) * release * chord)
            }
        }
        let beats = Array(stride(from: 0.0, to: seconds - 0.5, by: 60 / bpm))
        let downbeats = Array(stride(from: 0.0, to: seconds - 0.5, by: bar))
        let analysis = try analyze(DrumTrack(samples: samples, sampleRate: rate, beats: beats, downbeats: downbeats))
        #expect(analysis.pulse, "confidence \(analysis.confidence)")
        #expect(abs(analysis.tempo - bpm) / bpm < 0.02, "tempo \(analysis.tempo)")
        #expect(analysis.beatsPerBar == 4)
        #expect(beatFMeasure(reference: beats, estimated: analysis.beats, window: 0.15) >= 0.9, "beats \(analysis.beats.prefix(6))")
        #expect(
            beatFMeasure(reference: downbeats, estimated: analysis.downbeats, window: 0.15) >= 0.9, "downbeats \(analysis.downbeats.prefix(4))")
        #expect(analysis.cutPoints == analysis.downbeats)
        #expect(analysis.beats.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= analysis.duration })
    }

    /// Chords that change at irregular times, with slow attacks and no drums: no pulse, but
    /// cut points on the changes.
    @Test func padsWithoutPulseStillGetCutPoints() throws {
        let changes = [0.0, 3.1, 5.8, 9.9, 12.3, 16.6, 19.4]
        let roots = [220.0, 174.6, 261.6, 196.0, 233.1, 164.8, 207.7]
        let rate = 22_050
        let seconds = 23.0
        var samples = [Float](repeating: 0, count: Int(seconds * Double(rate)))
        for (index, start) in changes.enumerated() {
            let end = index + 1 < changes.count ? changes[index + 1] : seconds
            for n in Int(start * Double(rate))..<Int(end * Double(rate)) {
                let t = Double(n) / Double(rate) - start
                let fade = min(1, t / 0.6, (end - start - t) / 0.3)
                let chord = [1.0, 1.26, 1.5, 2.0].reduce(0.0) { $0 + sin(2 * .pi * roots[index] * $1 * t) }
                samples[n] = Float(0.15 * fade * chord)
            }
        }
        let analysis = try analyze(DrumTrack(samples: samples, sampleRate: rate, beats: [], downbeats: []))
        #expect(!analysis.pulse, "confidence \(analysis.confidence)")
        #expect(!analysis.cutPoints.isEmpty)
        #expect(zip(analysis.cutPoints, analysis.cutPoints.dropFirst()).allSatisfy { $1 - $0 >= 1.99 })
        let found = changes.dropFirst().filter { change in analysis.cutPoints.contains { abs($0 - change) < 0.4 } }
        #expect(found.count >= 4, "cut points \(analysis.cutPoints) for changes \(changes)")
    }
}
