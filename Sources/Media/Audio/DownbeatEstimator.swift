import Foundation

/// How many beats a bar has (3 or 4) and which beats start bars. The meter is the lag
/// at which the beats' sound (harmony, loudness, low end) repeats best: a bar's pattern
/// comes back a bar later. The phase is where the low end hits, the beat is loudest, and
/// the harmony of the coming bar differs from the last.
enum DownbeatEstimator {
    struct Bar {
        let beatsPerBar: Int
        /// Index of the first downbeat among the beats.
        let phase: Int
    }

    static func estimate(beatFrames: [Int], features: OnsetFeatures) -> Bar {
        guard beatFrames.count >= 8 else { return Bar(beatsPerBar: 4, phase: 0) }
        let lowValues = beatFrames.map { peak(from: $0 - 3, to: $0 + 3, in: features.lowStrength) }
        let low = standardized(lowValues, floor: 0.1 * lowValues.reduce(0, +) / Double(lowValues.count) + 1e-9)
        let loudness = standardized(
            beatFrames.map { 20 * log10(max(1e-6, peak(from: $0, to: $0 + 8, in: features.rms))) },
            floor: 0.3)
        let chroma = beatChroma(beatFrames, features)

        let meter = bestMeter(chroma: chroma, low: low, loudness: loudness)
        let change = standardized(barChange(chroma, meter: meter), floor: 0.05)
        let salience = beatFrames.indices.map { low[$0] + loudness[$0] + change[$0] }
        let phase =
            (0..<meter).max { a, b in
                phaseScore(salience, meter: meter, phase: a) < phaseScore(salience, meter: meter, phase: b)
            } ?? 0
        return Bar(beatsPerBar: meter, phase: phase)
    }

    private static func phaseScore(_ salience: [Double], meter: Int, phase: Int) -> Double {
        let starts = stride(from: phase, to: salience.count, by: meter).map { salience[$0] }
        return starts.reduce(0, +) / Double(max(1, starts.count))
    }

    /// 3 or 4: which lag (and its double) makes each beat most like the beat a bar later.
    private static func bestMeter(chroma: [[Double]], low: [Double], loudness: [Double]) -> Int {
        let vectors = chroma.indices.map { i -> [Double] in
            let total = chroma[i].reduce(0, +)
            return chroma[i].map { total > 0 ? $0 / total : 0 } + [0.3 * low[i], 0.3 * loudness[i]]
        }
        func similarity(_ lag: Int) -> Double {
            guard vectors.count > lag else { return 0 }
            var sum = 0.0
            for i in 0..<(vectors.count - lag) {
                let a = vectors[i]
                let b = vectors[i + lag]
                sum -= zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            }
            return sum / Double(vectors.count - lag)
        }
        let three = (similarity(3) + similarity(6)) / 2
        let four = (similarity(4) + similarity(8)) / 2
        // Four beats to the bar is the common case: three must be clearly better.
        return three > four + 0.01 ? 3 : 4
    }

    private static func peak(from start: Int, to end: Int, in values: [Float]) -> Double {
        let range = max(0, start)...max(0, min(values.count - 1, end))
        return Double(range.map { values[$0] }.max() ?? 0)
    }

    /// Mean chroma over each beat (from it to the next).
    private static func beatChroma(_ beats: [Int], _ features: OnsetFeatures) -> [[Double]] {
        beats.indices.map { i in
            let end = i + 1 < beats.count ? beats[i + 1] : min(features.count, beats[i] + (beats[1] - beats[0]))
            var sum = [Double](repeating: 0, count: 12)
            for frame in beats[i]..<max(beats[i], end) {
                for pitch in 0..<12 { sum[pitch] += Double(features.chroma[frame * 12 + pitch]) }
            }
            return sum
        }
    }

    /// Cosine distance between the chroma of the bar before each beat and the bar after it.
    private static func barChange(_ chroma: [[Double]], meter: Int) -> [Double] {
        func sum(_ range: Range<Int>) -> [Double] {
            var total = [Double](repeating: 0, count: 12)
            for i in range.clamped(to: 0..<chroma.count) { for p in 0..<12 { total[p] += chroma[i][p] } }
            return total
        }
        return chroma.indices.map { i in
            // Where a whole bar is missing on one side, say nothing.
            guard i >= meter, i + meter <= chroma.count else { return 0 }
            let before = sum((i - meter)..<i)
            let after = sum(i..<(i + meter))
            let dot = zip(before, after).reduce(0) { $0 + $1.0 * $1.1 }
            let norms = (before.reduce(0) { $0 + $1 * $1 } * after.reduce(0) { $0 + $1 * $1 }).squareRoot()
            return norms > 0 ? 1 - dot / norms : 0
        }
    }

    /// Centred on the median and scaled by the median absolute deviation, so odd beats
    /// (the first onset out of silence, the last one into it) do not set the scale; a
    /// spread below `floor` is noise, not a cue, and is not blown up. Capped at ±3.
    private static func standardized(_ values: [Double], floor: Double) -> [Double] {
        guard !values.isEmpty else { return [] }
        let median = values.sorted()[values.count / 2]
        let deviations = values.map { abs($0 - median) }.sorted()
        let spread = 1.4826 * deviations[deviations.count / 2]
        return values.map { min(3, max(-3, ($0 - median) / max(spread, floor))) }
    }
}
