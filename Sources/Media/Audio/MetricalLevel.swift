/// Periodicity alone cannot tell a beat from its half or its double (the tracker's
/// classic failure: fast songs at half tempo). The tracked beats can. When the points
/// halfway between beats carry a fair share of the onset strength (a snare between
/// kicks), the beat is twice as fast; soft eighth-note hats stay below that share, so a
/// slow song is not doubled. When both points a third of the way between beats carry
/// onsets (the "pah-pah" of a fast waltz counted in bars), the beat is three times as
/// fast; swing's late eighth fills only the second third, so it does not count. When
/// every other beat is much weaker than the rest, those were subdivisions and the beat
/// is half as fast. And when the low end lands
/// halfway between the beats rather than on them, the tracker has locked to the
/// off-beat (open hats in house): the beats move half a period.
enum MetricalLevel {
    // Tuned on bench/beats.sh's 50-track set, with OnsetDetector.compression.
    static let halfwayRatio = 0.2
    static let alternateRatio = 0.15
    /// Each third must hold this share of the beats' strength. On the benchmark, straight
    /// rhythms leave the thirds below 0.07 of it and a fast waltz counted in bars fills them
    /// to 0.17 or more.
    static let thirdRatio = 0.12
    static let offBeatRatio = 1.5

    enum Decision: Equatable {
        case keep
        case scalePeriod(Double)
        case shiftHalfBeat
    }

    static func decide(beats: [Int], features: OnsetFeatures, period: Double, allowed: ClosedRange<Double>) -> Decision {
        if let factor = correction(beats: beats, features: features, period: period, allowed: allowed) {
            return .scalePeriod(factor)
        }
        guard beats.count >= 8 else { return .keep }
        let low = beats.map { strength(at: $0, features.lowStrength) }
        let lowHalfway = zip(beats, beats.dropFirst()).map { strength(at: ($0 + $1) / 2, features.lowStrength) }
        return mean(lowHalfway) > offBeatRatio * mean(low) ? .shiftHalfBeat : .keep
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
        if allowed.contains(period / 2), mean(halfway) > halfwayRatio * beatMean {
            return 0.5
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
