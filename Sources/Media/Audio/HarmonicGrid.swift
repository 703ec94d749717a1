import Foundation

/// A beat grid for songs whose only pulse is the harmony: pads and held chords without
/// drums, where the onsets are too soft and sparse for the tempogram. The chords change on
/// bar lines, so the rise of new pitch classes repeats once a bar: its autocorrelation gives
/// the bar's length, the start of each rise its place, and a line fitted through those
/// starts the grid (the chords' slow, uneven attacks scatter single bars, not the line).
/// The bar is taken as four beats, the common case, when that puts the beat in the tempo
/// range.
enum HarmonicGrid {
    /// How far apart (frames) the log chroma is compared: a pad's attack takes 0.3–0.8 s,
    /// so a rise is measured over 0.2 s (bench/beats: 0.1 s missed the bar of ambient_92).
    static let riseFrames = 20
    /// A bar of 1.5 – 5 s (four beats at 48 – 160 BPM).
    static let barLags = 150...500
    /// Below this autocorrelation at the bar, the harmony is not periodic enough to cut on
    /// (bench/beats: pads that change chord on every bar score 0.25 – 0.34).
    static let minimumPeriodicity = 0.18
    /// A chord's rise starts where the rise curve first falls under this share of its peak.
    static let riseStartShare: Float = 0.3
    static let beatsPerBar = 4

    struct Grid {
        /// Beat positions in frames (fractional), from the first inside the audio.
        var beats: [Double]
        /// Index of the first beat on a bar line (the beats before it are a pickup).
        var firstDownbeat: Int
        /// Bar length in frames.
        var barPeriod: Double
        /// Autocorrelation at the bar length (0…1).
        var periodicity: Double
    }

    /// The grid, or nil when the harmony does not change periodically or the beat would
    /// fall outside `beatLags`.
    static func find(features: OnsetFeatures, beatLags: ClosedRange<Int>) -> Grid? {
        let rise = chordRise(features)
        guard rise.count > 2 * barLags.upperBound else { return nil }
        guard let (lag, periodicity) = barLag(rise), periodicity >= minimumPeriodicity else { return nil }
        let beatLength = Double(lag) / Double(beatsPerBar)
        guard beatLength >= Double(beatLags.lowerBound), beatLength <= Double(beatLags.upperBound) else { return nil }
        guard let (start, period) = fittedBarLines(rise, lag: lag) else { return nil }
        guard period.isFinite, period > 0, abs(period / Double(lag) - 1) < 0.1 else { return nil }
        // Bar lines from the first one inside the audio to the end, each split in four, and
        // the beats of the bar before it that fall inside the audio.
        var first = start
        while first - period >= 0 { first -= period }
        while first < 0 { first += period }
        let beatPeriod = period / Double(beatsPerBar)
        let pickup = min(beatsPerBar - 1, Int(first / beatPeriod))
        let beats = Array(stride(from: first - Double(pickup) * beatPeriod, to: Double(rise.count), by: beatPeriod))
        guard beats.count >= pickup + 2 * beatsPerBar else { return nil }
        return Grid(beats: beats, firstDownbeat: pickup, barPeriod: period, periodicity: periodicity)
    }

    /// Per frame, how much the log energy of each pitch class rose over the last `riseFrames`.
    static func chordRise(_ features: OnsetFeatures) -> [Float] {
        let frames = features.count
        guard frames > riseFrames, features.chroma.count >= frames * 12 else { return [] }
        let scale = OnsetDetector.compression
        let logChroma = features.chroma.prefix(frames * 12).map { log(1 + scale * max(0, $0.isFinite ? $0 : 0)) }
        var rise = [Float](repeating: 0, count: frames)
        for t in riseFrames..<frames {
            var sum: Float = 0
            for p in 0..<12 { sum += max(0, logChroma[t * 12 + p] - logChroma[(t - riseFrames) * 12 + p]) }
            rise[t] = sum
        }
        return rise
    }

    /// The bar lag with the highest normalized autocorrelation; a half, third or quarter of
    /// it wins when it scores at least 0.6 as much (a progression repeats every 2 or 4 bars).
    private static func barLag(_ rise: [Float]) -> (Int, Double)? {
        let n = rise.count
        let mean = rise.reduce(0, +) / Float(n)
        let centred = rise.map { Double($0 - mean) }
        let energy = centred.reduce(0) { $0 + $1 * $1 } / Double(n)
        guard energy > 0 else { return nil }
        let lags = Array(barLags)
        let scores = lags.map { lag -> Double in
            var sum = 0.0
            for i in 0..<(n - lag) { sum += centred[i] * centred[i + lag] }
            return sum / Double(n - lag) / energy
        }
        guard var best = scores.indices.max(by: { scores[$0] < scores[$1] }) else { return nil }
        for divisor in [4, 3, 2] {
            let lag = Int((Double(lags[best]) / Double(divisor)).rounded())
            if barLags.contains(lag), scores[lag - barLags.lowerBound] > 0.6 * scores[best] {
                best = lag - barLags.lowerBound
                break
            }
        }
        return (lags[best], scores[best])
    }

    /// The start of each chord's rise near a comb of `lag`, then a least-squares line through
    /// them (twice, leaving out the starts far from the first line): the first bar line and
    /// the bar's length, to a fraction of a frame.
    private static func fittedBarLines(_ rise: [Float], lag: Int) -> (start: Double, period: Double)? {
        // The comb's phase: the offset whose every lag-th frame rises most.
        var bestPhase = 0
        var bestSum = -Float.infinity
        for phase in 0..<lag {
            var sum: Float = 0
            for t in stride(from: phase, to: rise.count, by: lag) { sum += rise[t] }
            if sum > bestSum {
                bestSum = sum
                bestPhase = phase
            }
        }
        let reach = lag / 6
        var points: [(bar: Double, frame: Double)] = []
        for (bar, centre) in stride(from: bestPhase, to: rise.count, by: lag).enumerated() {
            let low = max(0, centre - reach)
            let high = min(rise.count, centre + reach)
            guard high - low >= 3 else { continue }
            var peak = low
            for t in low..<high where rise[t] > rise[peak] { peak = t }
            var start = peak
            while start > low, rise[start - 1] > riseStartShare * rise[peak] { start -= 1 }
            points.append((Double(bar), Double(start)))
        }
        var line = fit(points)
        var kept = points
        for _ in 0..<2 {
            guard let (start, period) = line else { return nil }
            kept = points.filter { abs($0.frame - (start + period * $0.bar)) <= max(5, Double(reach) / 2) }
            line = fit(kept)
        }
        // Chords that change at irregular times leave many starts off any line: no grid.
        guard Double(kept.count) >= minimumOnTheLine * Double(points.count) else { return nil }
        return line
    }

    /// The share of the bars whose chord must start on the fitted grid.
    static let minimumOnTheLine = 0.75

    private static func fit(_ points: [(bar: Double, frame: Double)]) -> (start: Double, period: Double)? {
        guard points.count >= 3 else { return nil }
        let n = Double(points.count)
        let meanBar = points.reduce(0) { $0 + $1.bar } / n
        let meanFrame = points.reduce(0) { $0 + $1.frame } / n
        let covariance = points.reduce(0) { $0 + ($1.bar - meanBar) * ($1.frame - meanFrame) }
        let variance = points.reduce(0) { $0 + ($1.bar - meanBar) * ($1.bar - meanBar) }
        guard variance > 0 else { return nil }
        let period = covariance / variance
        return (meanFrame - period * meanBar, period)
    }
}
