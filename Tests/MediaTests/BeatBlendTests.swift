import Foundation
import Testing

@testable import Media

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

/// Scene plans from an analysis with sections and bar energy (no audio).
@Suite struct SceneSlotPlannerStructureTests {
    /// 120 BPM, 4/4, 64 s: a downbeat every 2 s; a section at 16 s and 40 s; the bars from 40 s loud.
    static func analysis() -> BeatAnalysis {
        let downbeats = stride(from: 0.0, to: 64, by: 2).map { $0 }
        return BeatAnalysis(
            duration: 64, tempo: 120, beats: stride(from: 0.0, to: 64, by: 0.5).map { $0 },
            downbeats: downbeats, beatsPerBar: 4, confidence: 1, pulse: true, cutPoints: downbeats,
            sections: [16, 40], barEnergy: downbeats.map { $0 >= 40 ? 0.9 : 0.3 })
    }

    @Test func sectionBoundariesStartScenes() throws {
        let slots = try SceneSlotPlanner.plan(Self.analysis(), durations: [5, 10])
        for section in [16.0, 40.0] {
            #expect(slots.contains { abs($0.start - section) < 1e-9 }, "no scene starts at \(section) s: \(slots.map(\.start))")
        }
    }

    @Test func loudBarsCutFaster() throws {
        let slots = try SceneSlotPlanner.plan(Self.analysis(), durations: [5, 10])
        let quiet = slots.filter { $0.end <= 40 }.map(\.duration)
        let loud = slots.filter { $0.start >= 40 && $0.end < 64 }.map(\.duration)
        #expect(!loud.isEmpty && loud.allSatisfy { $0 <= 5 + 1e-9 }, "loud scenes \(loud)")
        #expect(quiet.contains { $0 > 5 }, "quiet scenes \(quiet)")
        for (slot, next) in zip(slots, slots.dropFirst()) { #expect(slot.end == next.start) }
    }

    /// Without a pulse there are no downbeats: the scenes end on the cut points.
    @Test func songsWithoutPulseCutOnCutPoints() throws {
        let analysis = BeatAnalysis(
            duration: 30, tempo: 0, beats: [], downbeats: [], beatsPerBar: 4, confidence: 0.1,
            pulse: false, cutPoints: [4, 9.5, 17, 23])
        let slots = try SceneSlotPlanner.plan(analysis, durations: [5, 10])
        #expect(
            slots.dropLast().allSatisfy { slot in analysis.cutPoints.contains { abs($0 - slot.end) < 1e-9 } },
            "\(slots.map(\.end))")
    }
}

/// The blend may not move the beats off the kicks the flux found.
@Suite struct BeatPhaseGuardTests {
    static let flux = Array(stride(from: 20, to: 2_000, by: 50))
    static let offBeat = flux.map { $0 + 25 }

    static func low(kicksOn beats: [Int]) -> [Float] {
        var low = [Float](repeating: 1, count: 2_100)
        for beat in beats { low[beat] = 10 }
        return low
    }

    @Test func movedOffTheKicksGoesBack() {
        #expect(BeatTracker.movedOffTheLowEnd(blend: Self.offBeat, flux: Self.flux, low: Self.low(kicksOn: Self.flux), period: 50))
    }

    @Test func movedOntoTheKicksStays() {
        #expect(!BeatTracker.movedOffTheLowEnd(blend: Self.offBeat, flux: Self.flux, low: Self.low(kicksOn: Self.offBeat), period: 50))
    }

    @Test func unmovedBeatsStay() {
        let nudged = Self.flux.map { $0 + 2 }
        #expect(!BeatTracker.movedOffTheLowEnd(blend: nudged, flux: Self.flux, low: Self.low(kicksOn: Self.flux), period: 50))
        #expect(!BeatTracker.movedOffTheLowEnd(blend: Self.offBeat, flux: [], low: Self.low(kicksOn: Self.flux), period: 50))
    }
}
