import Foundation

/// Tempo from the periodicity of the onset envelope: autocorrelation in 8 s windows
/// every 2 s (a tempogram), each lag scored with the better of its double and triple
/// (a beat also repeats a bar later, in 4/4 or 3/4), weighted by a prior over
/// plausible tempi. The tempo found is the song's dominant one; ramps and steps are
/// followed by the beat decoder (BeatDecoder), within half an octave of it.
struct TempoEstimator {
    static let minimumBPM = 55.0
    static let maximumBPM = 215.0
    static let windowFrames = 800
    static let stepFrames = 200

    let frameRate: Double

    var minimumLag: Int { Int((60 * frameRate / Self.maximumBPM).rounded(.down)) }
    var maximumLag: Int { Int((60 * frameRate / Self.minimumBPM).rounded(.up)) }

    struct Result {
        /// The dominant period (frames).
        let globalPeriod: Double
        /// How periodic the envelope is at the periods near it (normalized autocorrelation, 0…1).
        let periodicity: Double
    }

    /// The result at another metrical level (`factor` times the period).
    func rescaled(_ result: Result, by factor: Double) -> Result {
        Result(globalPeriod: result.globalPeriod * factor, periodicity: result.periodicity)
    }

    func estimate(_ envelope: [Float]) -> Result? {
        guard envelope.count > maximumLag * 2 else { return nil }
        let windows = tempogram(envelope)
        guard !windows.isEmpty else { return nil }
        let lags = Array(minimumLag...maximumLag)

        // Global choice: salience summed over windows, times the prior.
        var total = [Double](repeating: 0, count: lags.count)
        for window in windows { for (i, value) in window.enumerated() { total[i] += value } }
        let scored = lags.indices.map { total[$0] * prior(lag: Double(lags[$0])) }
        guard let best = scored.indices.max(by: { scored[$0] < scored[$1] }), scored[best] > 0 else { return nil }
        let globalLag = refine(Double(lags[best]), in: scored, lags: lags)

        // How periodic each window is near the global period (the best lag within 0.3
        // of an octave of it, so ramps and steps count as steady).
        let near = lags.indices.filter { abs(log2(Double(lags[$0]) / globalLag)) < 0.3 }
        let periodicity = windows.map { window in near.map { window[$0] }.max() ?? 0 }.reduce(0, +) / Double(windows.count) / 1.5
        return Result(globalPeriod: globalLag, periodicity: min(1, max(0, periodicity)))
    }

    /// Salience of every lag in every window: normalized autocorrelation of the lag plus
    /// half that of twice or three times the lag, whichever is larger.
    private func tempogram(_ raw: [Float]) -> [[Double]] {
        // Onsets are a frame or two wide; smoothing widens the autocorrelation's peaks so
        // that two and three periods (not a whole number of frames) still meet them.
        let kernel: [Float] = [1, 2, 3, 2, 1].map { $0 / 9 }
        let envelope = raw.indices.map { i in
            (0..<5).reduce(Float(0)) { sum, k in
                let j = i + k - 2
                return j >= 0 && j < raw.count ? sum + kernel[k] * raw[j] : sum
            }
        }
        let length = min(Self.windowFrames, envelope.count)
        var starts = Array(stride(from: 0, through: envelope.count - length, by: Self.stepFrames))
        if starts.isEmpty { starts = [0] }
        let lagCount = maximumLag - minimumLag + 1
        var centred = [Float](repeating: 0, count: length)
        // Autocorrelation at every lag the salience reads (τ, 2τ, 3τ), once per window.
        var acf = [Double](repeating: 0, count: 3 * maximumLag + 1)
        let readLags = Set((minimumLag...maximumLag).flatMap { [$0, 2 * $0, 3 * $0] }).filter { $0 < length }.sorted()
        return starts.map { start in
            let mean = envelope[start..<(start + length)].reduce(0, +) / Float(length)
            for i in 0..<length { centred[i] = envelope[start + i] - mean }
            let energy = centred.withUnsafeBufferPointer { dot($0, $0, count: length) }
            guard energy > 0 else { return [Double](repeating: 0, count: lagCount) }
            centred.withUnsafeBufferPointer { x in
                for lag in readLags {
                    acf[lag] = max(0, dot(x, UnsafeBufferPointer(rebasing: x[lag...]), count: length - lag) / energy)
                }
            }
            func at(_ lag: Int) -> Double { lag < length ? acf[lag] : 0 }
            return (minimumLag...maximumLag).map { lag in at(lag) + 0.5 * max(at(2 * lag), at(3 * lag)) }
        }
    }

    /// Σ a[i]·b[i] over `count` samples, in eight lanes so the loop vectorizes.
    private func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, count: Int) -> Double {
        guard let a = a.baseAddress, let b = b.baseAddress else { return 0 }
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            lanes +=
                UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var sum = Double(lanes.sum())
        while i < count {
            sum += Double(a[i] * b[i])
            i += 1
        }
        return sum
    }

    /// A log-normal preference for tempi near 120 BPM, three quarters of an octave wide:
    /// with a whole octave, a rock beat at 120 whose kicks alone repeat at 60 (snares
    /// masked by noise) was counted at 60; much narrower and slow songs (72, 85 BPM) are
    /// pulled to a faster level (measured on bench/beats and the unit tests' drums).
    static let priorWidthOctaves = 0.75
    /// The centre of the prior.
    static let preferredBPM = 120.0

    func prior(lag: Double) -> Double {
        let bpm = 60 * frameRate / lag
        let octaves = log2(bpm / Self.preferredBPM) / Self.priorWidthOctaves
        return exp(-0.5 * octaves * octaves)
    }

    /// Parabolic interpolation of a peak between lags.
    private func refine(_ lag: Double, in scores: [Double], lags: [Int]) -> Double {
        guard let index = lags.firstIndex(of: Int(lag)), index > 0, index < scores.count - 1 else { return lag }
        let (a, b, c) = (scores[index - 1], scores[index], scores[index + 1])
        let denominator = a - 2 * b + c
        guard denominator < 0 else { return lag }
        return lag + 0.5 * (a - c) / denominator
    }
}
