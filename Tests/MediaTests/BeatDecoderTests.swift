import Foundation
import Testing

@testable import Media

/// The probabilistic beat decoder on activations with known beats (no audio: fast).
@Suite struct BeatDecoderTests {
    /// Clicks (1 at a beat, a little noise elsewhere) at the given beat intervals, in frames.
    static func clicks(intervals: [Int], frames: Int, noise: Float = 0.05) -> (activation: [Float], beats: [Int]) {
        var generator = SplitMix64(seed: 7)
        var activation = (0..<frames).map { _ in noise * Float.random(in: 0..<1, using: &generator) }
        var beats: [Int] = []
        var frame = 10
        var k = 0
        while frame < frames {
            beats.append(frame)
            activation[frame] = 0.9
            frame += intervals[min(k, intervals.count - 1)]
            k += 1
        }
        return (activation, beats)
    }

    static func matched(_ reference: [Int], _ decoded: [Int], tolerance: Int = 2) -> Int {
        reference.filter { r in decoded.contains { abs($0 - r) <= tolerance } }.count
    }

    @Test(arguments: [30, 50, 64, 90])
    func steadyClicksAreFound(interval: Int) {
        let (activation, beats) = Self.clicks(intervals: [interval], frames: 3_000)
        // As the tracker uses it: within half an octave of the tempo it estimated (the
        // decoder alone cannot tell a beat from its double).
        let decoded = BeatDecoder(intervals: interval * 10 / 14...interval * 14 / 10).decode(activation)
        #expect(Self.matched(beats, decoded) == beats.count)
        #expect(decoded.count <= beats.count + 1, "\(decoded.count) beats for \(beats.count)")
    }

    /// A tempo step both ways (120 → 140 → 100 BPM at 100 fps) is followed within two beats.
    @Test func tempoStepsAreFollowedWithinTwoBeats() {
        let intervals = [Int](repeating: 50, count: 30) + [Int](repeating: 43, count: 30) + [Int](repeating: 60, count: 30)
        let (activation, beats) = Self.clicks(intervals: intervals, frames: Self.span(intervals) + 10)
        let decoded = BeatDecoder(intervals: 30...90).decode(activation)
        let missed = beats.filter { r in !decoded.contains { abs($0 - r) <= 2 } }
        // Only beats right after a step may be missed: at most two per step.
        #expect(missed.count <= 4, "missed \(missed)")
        let steps = [beats[30], beats[60]]
        for beat in missed {
            #expect(steps.contains { beat >= $0 && beat <= $0 + 2 * 60 }, "missed \(beat) far from a step")
        }
    }

    static func span(_ intervals: [Int]) -> Int { intervals.reduce(10, +) }

    /// Strong clicks every third beat and weak ones between (a waltz's "oom-pah-pah"):
    /// the beat is every click, not the bar.
    @Test func threeFourKeepsEveryBeat() {
        var (activation, beats) = Self.clicks(intervals: [40], frames: 2_400)
        for (index, beat) in beats.enumerated() where index % 3 != 0 { activation[beat] = 0.5 }
        let decoded = BeatDecoder(intervals: 30...70).decode(activation)
        #expect(Self.matched(beats, decoded) >= beats.count - 1)
    }

    /// Clicks split into beat and downbeat evidence: every `meter`-th click (from `phase`) leans
    /// to "downbeat" (0.6 of it), the others to "beat" (0.8 of it), as DownbeatActivation splits them.
    static func bars(intervals: [Int], frames: Int, meter: Int, phase: Int) -> (beat: [Float], downbeat: [Float], beats: [Int]) {
        let (activation, beats) = clicks(intervals: intervals, frames: frames)
        var beat = activation.map { $0 / 2 }
        var downbeat = beat
        for (index, frame) in beats.enumerated() {
            let isDownbeat = (index - phase) % meter == 0 && index >= phase
            downbeat[frame] = activation[frame] * (isDownbeat ? 0.6 : 0.2)
            beat[frame] = activation[frame] - downbeat[frame]
        }
        return (beat, downbeat, beats)
    }

    @Test(arguments: [(3, 0), (3, 2), (4, 1), (4, 3)])
    func jointDecoderFindsTheMeterAndTheBarLines(meter: Int, phase: Int) {
        let (beat, downbeat, beats) = Self.bars(intervals: [45], frames: 3_000, meter: meter, phase: phase)
        let path = BeatDecoder(intervals: 32...64, meters: [3, 4]).decode(beat: beat, downbeat: downbeat)
        #expect(path.beatsPerBar == meter)
        #expect(Self.matched(beats, path.beats) == beats.count)
        #expect(path.beatInBar.count == path.beats.count)
        let expected = stride(from: phase, to: beats.count, by: meter).map { beats[$0] }
        let found = path.beats.indices.filter { path.beatInBar[$0] == 0 }.map { path.beats[$0] }
        #expect(Self.matched(expected, found) == expected.count, "downbeats \(found.prefix(4)) for \(expected.prefix(4))")
        #expect(found.count <= expected.count + 1)
    }

    /// 120 → 150 → 100 BPM in 3/4: the beats follow each step within two beats, and the bar
    /// lines keep their place across it.
    @Test func jointDecoderFollowsTempoStepsInThreeFour() {
        let intervals = [Int](repeating: 50, count: 30) + [Int](repeating: 40, count: 30) + [Int](repeating: 60, count: 30)
        let (beat, downbeat, beats) = Self.bars(intervals: intervals, frames: Self.span(intervals) + 10, meter: 3, phase: 0)
        let path = BeatDecoder(intervals: 30...90, meters: [3, 4]).decode(beat: beat, downbeat: downbeat)
        #expect(path.beatsPerBar == 3)
        let missed = beats.filter { r in !path.beats.contains { abs($0 - r) <= 2 } }
        #expect(missed.count <= 4, "missed \(missed)")
        let steps = [beats[30], beats[60]]
        for beat in missed {
            #expect(steps.contains { beat >= $0 && beat <= $0 + 2 * 60 }, "missed \(beat) far from a step")
        }
        let downbeats = stride(from: 0, to: beats.count, by: 3).map { beats[$0] }
        let found = path.beats.indices.filter { path.beatInBar[$0] == 0 }.map { path.beats[$0] }
        #expect(Self.matched(downbeats, found) >= downbeats.count - 2)
    }

    /// With meters [1] the joint decoder is the beat decoder.
    @Test func oneBeatBarsAreTheBeatDecoder() {
        let (activation, _) = Self.clicks(intervals: [37], frames: 1_500)
        let decoder = BeatDecoder(intervals: 25...55)
        let path = decoder.decode(beat: activation, downbeat: [Float](repeating: 0, count: activation.count))
        #expect(path.beats == decoder.decode(activation))
        #expect(path.beatInBar.allSatisfy { $0 == 0 })
    }

    @Test func jointDecoderNeverCrashesOnSilenceNoiseOrNaN() {
        var generator = SplitMix64(seed: 5)
        let inputs: [[Float]] = [
            [], [0], [Float](repeating: 0, count: 500), (0..<600).map { _ in Float.random(in: 0..<1, using: &generator) },
            [Float](repeating: .nan, count: 300), [Float](repeating: .infinity, count: 300),
            (0..<400).map { $0 % 7 == 0 ? -.infinity : 2 },
        ]
        for activation in inputs {
            for (range, meters) in [(0...0, [3, 4]), (25...110, [3, 4]), (10...Int.max / 2, [4]), (20...40, [0, -2, 99])] {
                let path = BeatDecoder(intervals: range, meters: meters).decode(beat: activation, downbeat: activation.reversed())
                #expect(path.beats.allSatisfy { $0 >= 0 && $0 < activation.count })
                #expect(zip(path.beats, path.beats.dropFirst()).allSatisfy { $0 < $1 })
                #expect(path.beatInBar.count == path.beats.count)
                #expect(path.beatInBar.allSatisfy { $0 >= 0 && $0 < path.beatsPerBar })
            }
        }
    }

    @Test func silenceNoiseAndNaNNeverCrash() {
        var generator = SplitMix64(seed: 3)
        let inputs: [[Float]] = [
            [], [0], [Float](repeating: 0, count: 500), (0..<600).map { _ in Float.random(in: 0..<1, using: &generator) },
            [Float](repeating: .nan, count: 300), [Float](repeating: .infinity, count: 300),
            (0..<400).map { $0 % 7 == 0 ? -.infinity : 2 },
        ]
        for activation in inputs {
            for range in [0...0, 1...1, -5...(-1), 25...110, 10...Int.max / 2] {
                let decoded = BeatDecoder(intervals: range).decode(activation)
                #expect(decoded.allSatisfy { $0 >= 0 && $0 < activation.count })
                #expect(zip(decoded, decoded.dropFirst()).allSatisfy { $0 < $1 })
            }
        }
    }
}
