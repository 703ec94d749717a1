import Foundation

/// A song's larger shape: how loud each bar is, where its sections change, and — when it
/// has no steady pulse — where a cut would still sound placed on purpose.
///
/// Sections come from a novelty curve in the manner of Foote ("Automatic audio
/// segmentation using a measure of audio novelty", ICME 2000): at each bar line, the bars
/// before are compared with the bars after (harmony, loudness, brightness), and a clear
/// peak of the difference starts a section. Only bar lines are candidates, so every
/// boundary is a downbeat.
enum SongStructure {
    /// Bars on each side of the kernel: a section shorter than this is a fill, not a section.
    static let kernelBars = 4

    /// Loudness per bar (mean RMS in dB), 0 for the quietest bar … 1 for the loudest.
    static func barEnergy(barFrames: [Int], features: OnsetFeatures) -> [Double] {
        let levels = spans(barFrames, count: features.count).map { span -> Double in
            guard !span.isEmpty else { return -120 }
            let meanSquare = span.reduce(0.0) { $0 + Double(features.rms[$1]) * Double(features.rms[$1]) } / Double(span.count)
            return 10 * log10(max(meanSquare, 1e-12))
        }
        guard let high = levels.max() else { return [] }
        // The quietest tenth of the bars is 0, so a fade-out or a silent tail does not
        // squeeze the rest together; under 1 dB of spread is one level, not a curve.
        let low = levels.sorted()[levels.count / 10]
        let range = max(high - low, 1)
        return levels.map { (min(1, max(0, ($0 - low) / range)) * 100).rounded() / 100 }
    }

    /// Indices of the bars that start a new section (never the first bar).
    static func sectionStarts(barFrames: [Int], features: OnsetFeatures) -> [Int] {
        let bars = spans(barFrames, count: features.count).map { describe($0, features: features) }
        let n = bars.count
        let k = kernelBars
        guard n >= 2 * k else { return [] }
        // Each side is averaged over k bars, a whole chord progression in most songs, so a
        // progression that repeats is not a change but a new one is.
        var novelty = [Double](repeating: 0, count: n)
        for b in k...(n - k) {
            let before = average(bars[(b - k)..<b])
            let after = average(bars[b..<(b + k)])
            novelty[b] =
                (1 - cosine(before.chroma, after.chroma)) + abs(before.decibels - after.decibels) / 20
                + abs(before.brightness - after.brightness)
        }
        var starts: [Int] = []
        for b in k...(n - k) where novelty[b] > sectionThreshold {
            let neighbourhood = max(k, b - k + 1)...min(n - k, b + k - 1)
            if neighbourhood.allSatisfy({ novelty[$0] <= novelty[b] }), starts.last.map({ b - $0 >= k }) ?? true {
                starts.append(b)
            }
        }
        return starts
    }

    /// A section change: 3 dB of loudness, or a new progression or texture, between the
    /// four bars before and the four after (a repeated progression scores under 0.05).
    static let sectionThreshold = 0.15

    private struct BarSound {
        var chroma: [Double]
        var decibels: Double
        /// Share of the onset strength above 3 kHz: cymbals and hats in, or out.
        var brightness: Double
    }

    private static func describe(_ span: Range<Int>, features: OnsetFeatures) -> BarSound {
        var chroma = [Double](repeating: 0, count: 12)
        var meanSquare = 0.0
        var bright = 0.0
        var all = 0.0
        for frame in span {
            for p in 0..<12 { chroma[p] += Double(features.chroma[frame * 12 + p]) }
            meanSquare += Double(features.rms[frame]) * Double(features.rms[frame])
            bright += Double(features.highStrength[frame])
            all += Double(features.strength[frame])
        }
        let total = chroma.reduce(0, +)
        return BarSound(
            chroma: chroma.map { total > 0 ? $0 / total : 0 },
            decibels: 10 * log10(max(meanSquare / Double(max(1, span.count)), 1e-12)),
            brightness: all > 0 ? bright / all : 0)
    }

    private static func average(_ bars: ArraySlice<BarSound>) -> BarSound {
        let count = Double(max(1, bars.count))
        var chroma = [Double](repeating: 0, count: 12)
        for bar in bars { for p in 0..<12 { chroma[p] += bar.chroma[p] / count } }
        // The median level, so the song's decaying last bar is not a change of section.
        let levels = bars.map(\.decibels).sorted()
        let median = levels.isEmpty ? 0 : (levels[(levels.count - 1) / 2] + levels[levels.count / 2]) / 2
        return BarSound(
            chroma: chroma, decibels: median,
            brightness: bars.reduce(0) { $0 + $1.brightness } / count)
    }

    /// For audio without a pulse: frames where harmony or loudness changes most, at
    /// least `minimumGap` frames apart — the places a cut still sounds intended.
    static func cutPoints(features: OnsetFeatures, minimumGap: Int) -> [Int] {
        let frames = features.count
        guard frames > 2 * minimumGap, minimumGap > 0 else { return [] }
        let hop = max(1, minimumGap / 8)
        let windows = stride(from: 0, to: frames, by: hop).map { start in
            vector(start..<min(frames, start + hop), features: features)
        }
        // Change between the half-gap before and after each window boundary.
        let reach = max(1, minimumGap / (2 * hop))
        var change = [Double](repeating: 0, count: windows.count)
        for w in reach..<max(reach, windows.count - reach) {
            let before = sum(windows[(w - reach)..<w])
            let after = sum(windows[w..<(w + reach)])
            change[w] = 1 - cosine(before, after)
        }
        let loudest = features.rms.max() ?? 0
        var chosen: [Int] = []
        for w in change.indices.sorted(by: { change[$0] > change[$1] }) where change[w] > 0.02 {
            let frame = w * hop
            // Never in silence, and never crowding a stronger change.
            guard frame < frames, features.rms[frame...min(frames - 1, frame + hop)].max() ?? 0 > loudest * 0.03 else { continue }
            if chosen.allSatisfy({ abs($0 - frame) >= minimumGap }) { chosen.append(frame) }
        }
        return chosen.sorted()
    }

    // MARK: - Bar descriptions

    private static func spans(_ starts: [Int], count: Int) -> [Range<Int>] {
        starts.indices.map { i in
            let start = min(max(0, starts[i]), count)
            let end = i + 1 < starts.count ? starts[i + 1] : min(count, start + (starts.count > 1 ? starts[1] - starts[0] : 0))
            return start..<max(start, min(end, count))
        }
    }

    private static func vector(_ span: Range<Int>, features: OnsetFeatures) -> [Double] {
        var chroma = [Double](repeating: 0, count: 12)
        var energy = 0.0
        var bright = 0.0
        var low = 0.0
        for frame in span {
            for p in 0..<12 { chroma[p] += Double(features.chroma[frame * 12 + p]) }
            energy += Double(features.rms[frame])
            bright += Double(features.highStrength[frame])
            low += Double(features.lowStrength[frame])
        }
        let total = chroma.reduce(0, +)
        let length = Double(max(1, span.count))
        var values = chroma.map { total > 0 ? $0 / total : 0 }
        // Loudness in decades, so a chorus 10 dB up moves the vector about as much as a new chord does.
        values += [log10(1 + 100 * energy / length), 0.1 * log1p(bright / length), 0.1 * log1p(low / length)]
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? values.map { $0 / norm } : values
    }

    private static func sum(_ vectors: ArraySlice<[Double]>) -> [Double] {
        vectors.reduce(into: [Double](repeating: 0, count: vectors.first?.count ?? 0)) { total, v in
            for i in total.indices where i < v.count { total[i] += v[i] }
        }
    }

    private static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        let norms = (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
        return norms > 0 ? dot / norms : 1
    }
}
