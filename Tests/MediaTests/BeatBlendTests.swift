import Foundation
@testable import Media
import Testing

/// How the learned activation joins the DSP one: the blend, and the rule that lets it halve
/// the beat (no audio: fast).
@Suite struct BeatBlendTests {
    static let beats = Array(stride(from: 20, to: 2_000, by: 40))

    /// A learned activation that is high on every other beat (`strongEven`) and low on the rest,
    /// and a low band with kicks on the even beats or the odd ones.
    static func evidence(kicksOnStrong: Bool, weakShare: Float) -> (beat: [Float], downbeat: [Float], low: [Float]) {
        var beat = [Float](repeating: 0.01, count: 2_050)
        var low = [Float](repeating: 0, count: 2_050)
        for (index, frame) in beats.enumerated() {
            let strong = index % 2 == 0
            beat[frame] = strong ? 0.9 : 0.9 * weakShare
            if strong == kicksOnStrong { low[frame] = 10 }
        }
        return (beat, [Float](repeating: 0, count: 2_050), low)
    }

    @Test func halvesWhenTheKeptBeatsCarryTheLowEnd() {
        let e = Self.evidence(kicksOnStrong: true, weakShare: 0.1)
        #expect(MetricalLevel.learnedAlternation(beats: Self.beats, learned: e.beat, downbeat: e.downbeat, low: e.low))
    }

    /// Drum & bass: BeatNet hears its snares at half time, the kicks are on the other beats.
    @Test func keepsTheBeatWhenTheLowEndIsOnTheDroppedBeats() {
        let e = Self.evidence(kicksOnStrong: false, weakShare: 0.1)
        #expect(!MetricalLevel.learnedAlternation(beats: Self.beats, learned: e.beat, downbeat: e.downbeat, low: e.low))
    }

    @Test func keepsASteadyBeat() {
        let e = Self.evidence(kicksOnStrong: true, weakShare: 0.9)
        #expect(!MetricalLevel.learnedAlternation(beats: Self.beats, learned: e.beat, downbeat: e.downbeat, low: e.low))
        #expect(!MetricalLevel.learnedAlternation(beats: Array(Self.beats.prefix(5)), learned: e.beat, downbeat: e.downbeat, low: e.low))
        #expect(!MetricalLevel.learnedAlternation(beats: Self.beats, learned: [], downbeat: [], low: e.low))
    }

    /// Between the two activations and within the decoder's range, whatever the inputs.
    @Test func blendStaysAProbability() {
        let flux: [Float] = [0, 0.5, 0.95, 0.2, 0]
        let learned = BeatTracker.Learned(beat: [0, 0.9, 0.1, 1, 0.3], downbeat: [0, 0.1, 0.9, 0, 0.2])
        let blended = BeatTracker.blended(flux, learned)
        #expect(blended.count == flux.count)
        #expect(blended.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 0.95 })
        #expect(blended[0] == 0)
        #expect(blended[2] > blended[0])
    }

    /// 50 frames a second to 100: every frame, the odd ones between their neighbours.
    @Test func upsamplingFillsEveryFrame() {
        let up = BeatTracker.upsampled((beat: [0, 1, 0], downbeat: [1, 0, 0]), frames: 6)
        #expect(up.beat == [0, 0.5, 1, 0.5, 0, 0])
        #expect(up.downbeat == [1, 0.5, 0, 0, 0, 0])
        #expect(BeatTracker.upsampled((beat: [], downbeat: []), frames: 3).beat == [0, 0, 0])
    }
}
