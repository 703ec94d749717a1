import Foundation
import Testing

@testable import Media

/// The hat band above 8 kHz and what the tracker reads from it (no audio files: fast).
@Suite struct BeatHatBandTests {
    static func sine(hertz: Double, seconds: Double, rate: Int = OnsetFeatures.inputRate) -> [Float] {
        (0..<Int(seconds * Double(rate))).map { Float(sin(2 * Double.pi * hertz * Double($0) / Double(rate))) }
    }

    static func split(_ samples: [Float]) -> (low: [Float], energies: [Float]) {
        var splitter = HalfbandSplitter(blockSize: 320, offset: 160)
        var low: [Float] = []
        var energies: [Float] = []
        // In uneven chunks, as the decoder hands them over.
        var start = 0
        var size = 1
        while start < samples.count {
            let end = min(samples.count, start + size)
            samples[start..<end].withUnsafeBufferPointer { splitter.process($0, low: &low, energies: &energies) }
            start = end
            size = size * 3 % 2_000 + 1
        }
        return (low, energies)
    }

    static func rms(_ values: ArraySlice<Float>) -> Double {
        (values.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(1, values.count))).squareRoot()
    }

    @Test func lowToneStaysBelowAndHalvesItsRate() {
        let (low, energies) = Self.split(Self.sine(hertz: 1_000, seconds: 1))
        #expect(abs(low.count - 16_000) <= HalfbandSplitter.reach)
        #expect(abs(Self.rms(low[100..<15_000]) - 0.5.squareRoot()) < 0.01)
        // Every other sample of the same sine, in phase: sample n at 16 kHz is n / 16000 s.
        let expected = (0..<low.count).map { Float(sin(2 * Double.pi * 1_000 * Double($0) / 16_000)) }
        let error = zip(low, expected).dropFirst(100).prefix(10_000).map { abs($0 - $1) }.max() ?? 1
        #expect(error < 0.01, "largest error \(error)")
        #expect((energies.dropFirst().dropLast().max() ?? 1) < 1e-4)
    }

    @Test func highToneGoesToTheHatBand() {
        let (low, energies) = Self.split(Self.sine(hertz: 12_000, seconds: 1))
        #expect(Self.rms(low[100..<15_000]) < 0.01)
        #expect(energies.count >= 99)
        for energy in energies.dropFirst().prefix(90) { #expect(abs(energy - 0.5) < 0.02) }
    }

    /// Hat onsets (1 at a hit, a little noise elsewhere) every `spacing` frames.
    static func hats(spacing: Int, frames: Int, accentEvery: Int = 2) -> [Float] {
        var generator = SplitMix64(seed: 3)
        var hat = (0..<frames).map { _ in 0.02 * Float.random(in: 0..<1, using: &generator) }
        for (n, frame) in stride(from: 0, to: frames, by: spacing).enumerated() { hat[frame] = n % accentEvery == 0 ? 1 : 0.6 }
        return hat
    }

    @Test func hatsInSixteenthsOfASlowBeatDoubleIt() {
        let beats = Array(stride(from: 0, to: 2_000, by: 100))  // 60 BPM
        #expect(MetricalLevel.hatsInSixteenths(beats: beats, hat: Self.hats(spacing: 25, frames: 2_100)))
        #expect(MetricalLevel.prefersFaster(period: 100))
        // Eighths of the beat are the beat's own subdivision.
        #expect(!MetricalLevel.hatsInSixteenths(beats: beats, hat: Self.hats(spacing: 50, frames: 2_100)))
        // A wash without a grid, and silence.
        var generator = SplitMix64(seed: 5)
        let wash = (0..<2_100).map { _ in Float.random(in: 0..<1, using: &generator) }
        #expect(!MetricalLevel.hatsInSixteenths(beats: beats, hat: wash))
        #expect(!MetricalLevel.hatsInSixteenths(beats: beats, hat: [Float](repeating: 0, count: 2_100)))
        // A beat of 90 BPM is not doubled to 180 whatever its hats.
        #expect(!MetricalLevel.prefersFaster(period: 100.0 * 60 / 90))
    }

    @Test func halfwayBeatsInterleave() {
        #expect(MetricalLevel.withHalfwayBeats([0, 100, 200], frameCount: 1_000) == [0, 50, 100, 150, 200, 250])
        #expect(MetricalLevel.withHalfwayBeats([0, 100, 200], frameCount: 240) == [0, 50, 100, 150, 200])
    }

    /// The blend at another tempo over the first eight seconds (three beats for every four of
    /// the flux's, most off the bass notes the flux's beats hold), the same beats after.
    @Test func fluxBeatsReplaceTheBlendWhereItFollowsAnotherTempo() {
        let period = 50.0
        let flux = Array(stride(from: 0, to: 2_000, by: 50))
        var low = [Float](repeating: 0, count: 2_000)
        for (n, beat) in flux.enumerated() where n % 2 == 0 { low[beat] = 1 }
        let blend = Array(stride(from: 0, to: 800, by: 67)) + flux.filter { $0 >= 800 }
        let kept = BeatTracker.fluxWhereMovedOffTheLowEnd(blend: blend, flux: flux, low: low, period: period)
        #expect(kept == flux, "\(kept)")
        // Off by half a beat at the same tempo: not this question's (movedOffTheLowEnd's, for the song).
        let shifted = flux.map { $0 + 25 }.filter { $0 < 2_000 }
        #expect(BeatTracker.fluxWhereMovedOffTheLowEnd(blend: shifted, flux: flux, low: low, period: period) == shifted)
    }
}
