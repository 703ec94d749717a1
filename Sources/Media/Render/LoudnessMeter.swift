import Foundation

/// EBU R128 / ITU-R BS.1770-4 integrated loudness and true peak of 48 kHz stereo:
/// K-weighting, 400 ms blocks every 100 ms, absolute gate −70 LUFS, relative gate
/// −10 LU; true peak from 4× oversampling.
struct LoudnessMeter {
    private var filters: [KWeighting] = [KWeighting(), KWeighting()]
    private var subBlockEnergy: [Double] = []
    private var currentEnergy = 0.0
    private var currentCount = 0
    private var samplePeak: Float = 0
    private var oversampledPeak: Float = 0
    private var history: [[Float]] = [[Float](repeating: 0, count: TruePeak.taps), [Float](repeating: 0, count: TruePeak.taps)]
    private static let subBlock = 4_800  // 100 ms at 48 kHz

    mutating func add(left: [Float], right: [Float]) {
        for i in left.indices {
            let l = filters[0].process(Double(left[i]))
            let r = filters[1].process(Double(right[i]))
            currentEnergy += l * l + r * r
            currentCount += 1
            if currentCount == Self.subBlock {
                subBlockEnergy.append(currentEnergy / Double(Self.subBlock))
                currentEnergy = 0
                currentCount = 0
            }
        }
        trackPeaks(left, channel: 0)
        trackPeaks(right, channel: 1)
    }

    /// Integrated loudness in LUFS; -infinity for silence or audio shorter than 400 ms.
    var integratedLoudness: Double {
        guard subBlockEnergy.count >= 4 else { return -.infinity }
        var blocks: [Double] = []
        for start in 0...(subBlockEnergy.count - 4) {
            let sum: Double = subBlockEnergy[start] + subBlockEnergy[start + 1] + subBlockEnergy[start + 2] + subBlockEnergy[start + 3]
            blocks.append(sum / 4)
        }
        func loudness(_ energy: Double) -> Double { -0.691 + 10 * log10(energy) }
        let aboveAbsolute = blocks.filter { $0 > 0 && loudness($0) > -70 }
        guard !aboveAbsolute.isEmpty else { return -.infinity }
        let relativeGate = loudness(aboveAbsolute.reduce(0, +) / Double(aboveAbsolute.count)) - 10
        let gated = aboveAbsolute.filter { loudness($0) > relativeGate }
        guard !gated.isEmpty else { return -.infinity }
        return loudness(gated.reduce(0, +) / Double(gated.count))
    }

    /// True peak in dBTP (the higher of the sample and the oversampled peaks).
    var truePeakDecibels: Double {
        let peak = max(samplePeak, oversampledPeak)
        return peak > 0 ? 20 * log10(Double(peak)) : -.infinity
    }

    /// Inter-sample peaks only matter near the loudest samples, so the 4× interpolation
    /// runs only where a sample comes within 6 dB of the peak so far.
    private mutating func trackPeaks(_ samples: [Float], channel: Int) {
        for sample in samples {
            history[channel].removeFirst()
            history[channel].append(sample)
            let magnitude = abs(sample)
            if magnitude > samplePeak { samplePeak = magnitude }
            if magnitude > 0.5 * max(samplePeak, oversampledPeak) {
                oversampledPeak = max(oversampledPeak, TruePeak.interpolatedPeak(history[channel]))
            }
        }
    }
}

/// The two K-weighting biquads of BS.1770 at 48 kHz (high shelf, then high pass).
private struct KWeighting {
    private var shelf = Biquad(
        b: (1.53512485958697, -2.69169618940638, 1.19839281085285),
        a: (-1.69065929318241, 0.73248077421585))
    private var highPass = Biquad(b: (1.0, -2.0, 1.0), a: (-1.99004745483398, 0.99007225036621))

    mutating func process(_ x: Double) -> Double { highPass.process(shelf.process(x)) }
}

private struct Biquad {
    let b: (Double, Double, Double)
    let a: (Double, Double)
    private var z1 = 0.0
    private var z2 = 0.0

    init(b: (Double, Double, Double), a: (Double, Double)) {
        self.b = b
        self.a = a
    }

    mutating func process(_ x: Double) -> Double {
        let y = b.0 * x + z1
        z1 = b.1 * x - a.0 * y + z2
        z2 = b.2 * x - a.1 * y
        return y
    }
}

/// 4× oversampling by a windowed-sinc interpolator (12 taps per phase).
private enum TruePeak {
    static let taps = 12
    static let phases: [[Float]] = (1..<4).map { phase in
        (0..<taps).map { tap in
            // Sample history[taps-1-tap] sits at time taps-1-tap; the point at taps/2-1 + phase/4.
            let t = Double(tap - taps / 2) + Double(phase) / 4
            let sinc = t == 0 ? 1 : sin(Double.pi * t) / (Double.pi * t)
            let window = 0.5 + 0.5 * cos(Double.pi * t / Double(taps / 2))
            return Float(sinc * window)
        }
    }

    /// The largest interpolated value between the two middle samples of `history`.
    static func interpolatedPeak(_ history: [Float]) -> Float {
        var peak: Float = 0
        for coefficients in phases {
            var sum: Float = 0
            for tap in 0..<taps { sum += coefficients[tap] * history[taps - 1 - tap] }
            peak = max(peak, abs(sum))
        }
        return peak
    }
}
