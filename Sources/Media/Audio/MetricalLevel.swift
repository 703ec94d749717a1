import Foundation

/// Periodicity alone cannot tell a beat from its half or its double (the tracker's
/// classic failure: fast songs at half tempo). The tracked beats can.
///
/// The beat is twice as fast when the points halfway between beats hold a backbeat:
/// onsets with a fair share of the beats' strength that are much brighter than the beats
/// (snares between kicks), or onsets nearly as strong as the beats whatever their colour.
/// Soft eighth-note hats between a kick and a snare are neither (the snare on the beat is
/// as bright as they are), so a slow rock song is not doubled; and the bass and chords
/// between the kicks of a four-on-the-floor beat are not brighter than the kicks, so they
/// double it only when nearly as strong (a sharp off-beat bass under 8th hats still does).
///
/// When both points a third of the way between beats carry onsets (the "pah-pah" of a
/// fast waltz counted in bars), the beat is three times as fast; swing's late eighth
/// fills only the second third, so it does not count. When every other beat is much
/// weaker than the rest, those were subdivisions and the beat is half as fast. And when
/// the low end lands halfway between the beats rather than on them, the tracker has
/// locked to the off-beat (open hats in house): the beats move half a period.
///
/// The ratios were measured on bench/beats's 50 tracks and the unit tests' drums, with
/// OnsetDetector.compression. Halfway onsets that should double the beat hold 0.18 or more
/// of the beats' strength and are 3.4 or more times as bright, or (rock with kick and snare
/// alike, at 174–190 BPM) hold 0.75 of it. Those that should not are at most 0.72 times as
/// bright (eighth-note hats, bass between kicks) and hold at most 0.5 of it — except
/// dembow's rim shots, bright and strong, which still double it.
enum MetricalLevel {
    static let backbeatRatio = 0.1
    static let backbeatBrightness = 2.0
    static let halfwayRatio = 0.6
    static let alternateRatio = 0.15
    /// Each third must hold this share of the beats' strength. On the benchmark, straight
    /// rhythms leave the thirds below 0.07 of it and a fast waltz counted in bars fills them
    /// to 0.17 or more.
    static let thirdRatio = 0.12
    static let offBeatRatio = 1.5

    enum Decision: Equatable {
        case keep
        case scalePeriod(Double)
        /// Half the period: the hats play sixteenths of the beat (hatsInSixteenths).
        case hatsDoubleTheBeat
        case shiftHalfBeat
    }

    static func decide(beats: [Int], features: OnsetFeatures, period: Double, allowed: ClosedRange<Double>) -> Decision {
        if allowed.contains(period / 2), prefersFaster(period: period),
            hatsInSixteenths(beats: beats, hat: features.hatStrength)
        {
            return .hatsDoubleTheBeat
        }
        if let factor = correction(beats: beats, features: features, period: period, allowed: allowed) {
            return .scalePeriod(factor)
        }
        guard beats.count >= 8 else { return .keep }
        let low = beats.map { strength(at: $0, features.lowStrength) }
        let lowHalfway = zip(beats, beats.dropFirst()).map { strength(at: ($0 + $1) / 2, features.lowStrength) }
        return mean(lowHalfway) > offBeatRatio * mean(low) ? .shiftHalfBeat : .keep
    }

    /// Below this share of the stronger half, the weaker half of the beats is a subdivision
    /// for the learned activation (bench/beats, on beats doubled from the tempogram's:
    /// dembow's off-beats hold 0.13–0.15 of its beats; straight beats 0.6 and up).
    static let learnedAlternationRatio = 0.35

    /// Whether the learned beat activation hears only every other beat, and those carry the
    /// low end (kicks, bass). Drum & bass at 170–190 BPM is heard at half time too (its
    /// alternation 0.17–0.31), but on its snares, with the kicks on the beats it leaves out.
    static func learnedAlternation(beats: [Int], learned: [Float], downbeat: [Float], low: [Float]) -> Bool {
        guard beats.count >= 8, !learned.isEmpty else { return false }
        let values = beats.map { beat -> Double in
            let range = max(0, beat - 2)...max(0, min(learned.count - 1, beat + 2))
            return Double(range.map { learned[$0] + downbeat[$0] }.max() ?? 0)
        }
        let lows = beats.map { strength(at: $0, low) }
        func halves(_ x: [Double]) -> (even: Double, odd: Double) {
            (mean(stride(from: 0, to: x.count, by: 2).map { x[$0] }), mean(stride(from: 1, to: x.count, by: 2).map { x[$0] }))
        }
        let (even, odd) = halves(values)
        let (lowEven, lowOdd) = halves(lows)
        let (kept, dropped) = even > odd ? (lowEven, lowOdd) : (lowOdd, lowEven)
        return max(even, odd) > 0.3 && min(even, odd) < learnedAlternationRatio * max(even, odd) && kept >= dropped
    }

    /// Each sixteenth must hold this share of the hats on the beat and halfway.
    static let hatSixteenthShare = 0.1
    /// …and this many times what the thirty-seconds between hold (a grid, not a wash).
    static let hatGridContrast = 1.5

    /// Whether the hats (above 8 kHz) play all four sixteenths of each beat, as a grid: the
    /// two off-eighth sixteenths each hold a share of the on-eighth hats and stand well above
    /// the thirty-seconds between them. Hats run in eighths of the beat a listener counts, so
    /// hats in sixteenths of a slow beat are eighths of a beat twice as fast: a half-time
    /// groove (kick on 1, snare on 3) counted at the snare's pace, the tempogram's and the
    /// learned activation's choice alike. bench/beats: min(sixteenths) / thirty-seconds 3.3–12
    /// on half-time drums, 0.4 at most elsewhere (slow rock, ballads, pads, dembow).
    static func hatsInSixteenths(beats: [Int], hat: [Float]) -> Bool {
        guard beats.count >= 8, !hat.isEmpty else { return false }
        let pairs = Array(zip(beats, beats.dropFirst()))
        func at(_ fraction: Double) -> Double {
            mean(pairs.map { strength(at: $0 + Int((fraction * Double($1 - $0)).rounded()), hat) })
        }
        let eighths = (at(0) + at(0.5)) / 2
        let sixteenths = min(at(0.25), at(0.75))
        let between = [0.125, 0.375, 0.625, 0.875].map(at).reduce(0, +) / 4
        return eighths > 0 && sixteenths > hatSixteenthShare * eighths && sixteenths > hatGridContrast * between
    }

    /// Whether twice the tempo is nearer the tempo prior's centre than the tempo is (below
    /// 120/√2 ≈ 85 BPM): a grid of hats alone does not make a fast song faster.
    static func prefersFaster(period: Double) -> Bool {
        60 * OnsetFeatures.frameRate / period < TempoEstimator.preferredBPM / 2.0.squareRoot()
    }

    /// The beats and the points halfway between them (one extrapolated after the last).
    static func withHalfwayBeats(_ beats: [Int], frameCount: Int) -> [Int] {
        let halfway = shiftedHalfBeat(beats, frameCount: frameCount)
        var merged: [Int] = []
        merged.reserveCapacity(beats.count + halfway.count)
        for (i, beat) in beats.enumerated() {
            merged.append(beat)
            if i < halfway.count { merged.append(halfway[i]) }
        }
        return merged
    }

    /// The beats moved half a period later (the last one extrapolated).
    static func shiftedHalfBeat(_ beats: [Int], frameCount: Int) -> [Int] {
        var shifted = zip(beats, beats.dropFirst()).map { ($0 + $1) / 2 }
        if let last = beats.last, beats.count >= 2 {
            let next = last + (last - beats[beats.count - 2]) / 2
            if next < frameCount { shifted.append(next) }
        }
        return shifted
    }

    /// A factor for the beat period (1/2, 1/3 or 2), or nil to keep it.
    private static func correction(beats: [Int], features: OnsetFeatures, period: Double, allowed: ClosedRange<Double>) -> Double? {
        guard beats.count >= 8 else { return nil }
        let onBeats = beats.map { strength(at: $0, features.strength) }
        let halfway = zip(beats, beats.dropFirst()).map { strength(at: ($0 + $1) / 2, features.strength) }
        let beatMean = mean(onBeats)
        guard beatMean > 0 else { return nil }
        if allowed.contains(period / 2) {
            let share = mean(halfway) / beatMean
            let brightOnBeats = mean(beats.map { strength(at: $0, features.highStrength) })
            let brightHalfway = mean(zip(beats, beats.dropFirst()).map { strength(at: ($0 + $1) / 2, features.highStrength) })
            let backbeat = share > backbeatRatio && brightHalfway > backbeatBrightness * brightOnBeats
            if backbeat || share > halfwayRatio { return 0.5 }
        }
        if allowed.contains(period / 3) {
            let firstThird = zip(beats, beats.dropFirst()).map { strength(at: $0 + ($1 - $0) / 3, features.strength) }
            let secondThird = zip(beats, beats.dropFirst()).map { strength(at: $0 + 2 * ($1 - $0) / 3, features.strength) }
            if min(mean(firstThird), mean(secondThird)) > thirdRatio * beatMean {
                return 1.0 / 3
            }
        }
        let even = mean(stride(from: 0, to: onBeats.count, by: 2).map { onBeats[$0] })
        let odd = mean(stride(from: 1, to: onBeats.count, by: 2).map { onBeats[$0] })
        if allowed.contains(period * 2), max(even, odd) > 0, min(even, odd) < alternateRatio * max(even, odd) {
            return 2
        }
        return nil
    }

    private static func strength(at frame: Int, _ values: [Float]) -> Double {
        let range = max(0, frame - 2)...max(0, min(values.count - 1, frame + 2))
        return Double(range.map { values[$0] }.max() ?? 0)
    }

    private static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
