import Foundation

/// Splits a beat activation into "a beat that is not a downbeat" and "a downbeat" for the
/// joint decoder (BeatDecoder with meters [3, 4]), frame by frame, from the cues a bar line
/// carries: the low end hits (kick, bass note), the sound gets louder, and the harmony of the
/// next two beats differs from the last two's. Each cue is scaled by its spread over the
/// beats already found, so that a downbeat stands out from the other beats, not from the
/// silence between them.
enum DownbeatActivation {
    /// Odds of "downbeat" for a frame whose cues are ordinary for a beat (sum 0): below
    /// even, so a bar line needs evidence (e^-1).
    static let bias = -1.0

    static func split(
        _ activation: [Float], features: OnsetFeatures, beats: [Int], period: Double
    ) -> (beat: [Float], downbeat: [Float]) {
        let frames = min(activation.count, features.count)
        guard frames > 0, beats.count >= 4, period.isFinite, period >= 2 else {
            return (activation.map { $0 / 2 }, activation.map { $0 / 2 })
        }
        let low = (0..<frames).map { peak(from: $0 - 3, to: $0 + 3, in: features.lowStrength) }
        let loudness = (0..<frames).map { 20 * log10(max(1e-6, peak(from: $0, to: $0 + 8, in: features.rms))) }
        let change = harmonicChange(features, frames: frames, window: Int((2 * period).rounded()))
        let onBeats = beats.filter { $0 < frames }
        let lowScale = Scale(onBeats.map { low[$0] }, floor: 0.1 * mean(onBeats.map { low[$0] }) + 1e-9)
        let loudScale = Scale(onBeats.map { loudness[$0] }, floor: 0.3)
        let changeScale = Scale(onBeats.map { change[$0] }, floor: 0.05)
        var beat = [Float](repeating: 0, count: frames)
        var downbeat = [Float](repeating: 0, count: frames)
        for t in 0..<frames {
            let salience = lowScale(low[t]) + loudScale(loudness[t]) + changeScale(change[t])
            let share = Float(1 / (1 + exp(-(salience + bias))))
            let a = activation[t].isFinite ? max(0, activation[t]) : 0
            downbeat[t] = a * share
            beat[t] = a * (1 - share)
        }
        return (beat, downbeat)
    }

    /// Centred on the median and scaled by the median absolute deviation (as DownbeatEstimator),
    /// capped at ±3.
    private struct Scale {
        let median: Double
        let spread: Double

        init(_ values: [Double], floor: Double) {
            let sorted = values.sorted()
            let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
            self.median = median
            let deviations = values.map { abs($0 - median) }.sorted()
            spread = max(floor, deviations.isEmpty ? 0 : 1.4826 * deviations[deviations.count / 2])
        }

        func callAsFunction(_ value: Double) -> Double {
            guard value.isFinite, spread > 0 else { return 0 }
            return min(3, max(-3, (value - median) / spread))
        }
    }

    /// Cosine distance between the chroma of the `window` frames before each frame and after it.
    private static func harmonicChange(_ features: OnsetFeatures, frames: Int, window: Int) -> [Double] {
        var prefix = [Double](repeating: 0, count: (frames + 1) * 12)
        for t in 0..<frames {
            for p in 0..<12 { prefix[(t + 1) * 12 + p] = prefix[t * 12 + p] + Double(features.chroma[t * 12 + p]) }
        }
        let window = max(1, window)
        return (0..<frames).map { t in
            guard t >= window, t + window <= frames else { return 0 }
            var dot = 0.0
            var before2 = 0.0
            var after2 = 0.0
            for p in 0..<12 {
                let before = prefix[t * 12 + p] - prefix[(t - window) * 12 + p]
                let after = prefix[(t + window) * 12 + p] - prefix[t * 12 + p]
                dot += before * after
                before2 += before * before
                after2 += after * after
            }
            let norms = (before2 * after2).squareRoot()
            return norms > 0 ? 1 - dot / norms : 0
        }
    }

    private static func peak(from start: Int, to end: Int, in values: [Float]) -> Double {
        guard !values.isEmpty else { return 0 }
        let lower = min(max(0, start), values.count - 1)
        let upper = max(lower, min(values.count - 1, end))
        var best = values[lower]
        for i in lower...upper where values[i] > best { best = values[i] }
        return Double(best)
    }

    private static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
