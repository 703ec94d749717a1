import Foundation

/// Splits audio at a quarter of its sample rate (8 kHz at 32 kHz) with a linear-phase
/// half-band FIR: the part below, decimated by two (the onset detector's 16 kHz), and the
/// energy of the part above per block of input samples — hi-hats and shakers, whose attacks
/// a 16 kHz analysis never hears (bench/beats's hats are high-passed at 6–9.5 kHz; a half-time
/// groove is told from a slow one by its hats alone).
///
/// A half-band filter's taps at even offsets are zero but the centre (1/2), so the part above
/// is x[c] − lowpass[c] = x[c]/2 − Σₖ hₖ·(x[c−oₖ] + x[c+oₖ]) over the odd offsets oₖ, and the
/// part below is x[c] minus that. 23 odd taps a side (Kaiser window, β 6): about 60 dB of
/// stopband, the passband flat to about 6.5 kHz.
struct HalfbandSplitter {
    /// hₖ for the odd offsets 1, 3, 5, …
    static let taps: [Float] = {
        let side = 2 * tapsPerSide - 1
        let beta = 6.0
        func besselI0(_ x: Double) -> Double {
            var sum = 1.0
            var term = 1.0
            for k in 1..<30 {
                term *= (x / (2 * Double(k))) * (x / (2 * Double(k)))
                sum += term
            }
            return sum
        }
        var taps = (0..<tapsPerSide).map { k -> Double in
            let n = Double(2 * k + 1)
            let ratio = n / Double(side + 1)
            let window = besselI0(beta * (1 - ratio * ratio).squareRoot()) / besselI0(beta)
            return sin(Double.pi * n / 2) / (Double.pi * n) * window
        }
        // Unit gain at DC: 1/2 + 2 Σ hₖ = 1.
        let sum = taps.reduce(0, +)
        taps = taps.map { $0 * 0.25 / sum }
        return taps.map(Float.init)
    }()
    static let tapsPerSide = 12
    /// The reach of the filter on either side of its centre.
    static let reach = 2 * tapsPerSide - 1

    /// Input samples per energy block (a 10 ms hop at 32 kHz).
    let blockSize: Int
    /// Input not yet filtered; its first `reach` samples are history.
    private var input: [Float]
    /// The absolute index (in input samples) of input[reach].
    private var nextCentre = 0
    private var high: [Float] = []
    private var lowScratch: [Float] = []
    private var blockEnergy: Double = 0
    private var blockFill = 0

    /// - Parameter offset: input samples counted into the first block before the audio's
    ///   first sample (half a block centres block b on sample b × blockSize).
    init(blockSize: Int, offset: Int) {
        self.blockSize = blockSize
        input = [Float](repeating: 0, count: Self.reach)
        blockFill = offset
    }

    /// Filters `samples`; the part below goes to `low` (every other sample), each finished
    /// block's mean square above goes to `energies`.
    mutating func process(_ samples: UnsafeBufferPointer<Float>, low: inout [Float], energies: inout [Float]) {
        input.append(contentsOf: samples)
        let reach = Self.reach
        let count = input.count - 2 * reach  // centres with their whole reach present
        guard count > 0 else { return }
        if high.count < count { high = [Float](repeating: 0, count: count) }
        let taps = Self.taps
        input.withUnsafeBufferPointer { x in
            high.withUnsafeMutableBufferPointer { y in
                guard let x = x.baseAddress, let y = y.baseAddress else { return }
                let centre = x + reach
                // Eight outputs at a time in explicit lanes (the plain loop was not vectorized),
                // then the rest one by one.
                let whole = count - count % 8
                var c = 0
                taps.withUnsafeBufferPointer { taps in
                    guard let h = taps.baseAddress else { return }
                    while c < whole {
                        var sum = 0.5 * UnsafeRawPointer(centre + c).loadUnaligned(as: SIMD8<Float>.self)
                        for k in 0..<Self.tapsPerSide {
                            let o = 2 * k + 1
                            let pair =
                                UnsafeRawPointer(centre + c - o).loadUnaligned(as: SIMD8<Float>.self)
                                + UnsafeRawPointer(centre + c + o).loadUnaligned(as: SIMD8<Float>.self)
                            sum -= SIMD8(repeating: h[k]) * pair
                        }
                        UnsafeMutableRawPointer(y + c).storeBytes(of: sum, as: SIMD8<Float>.self)
                        c += 8
                    }
                }
                while c < count {
                    var sum = 0.5 * centre[c]
                    for (k, h) in taps.enumerated() { sum -= h * (centre[c - 2 * k - 1] + centre[c + 2 * k + 1]) }
                    y[c] = sum
                    c += 1
                }
            }
        }
        let parity = nextCentre & 1
        let lowCount = (count - parity + 1) / 2
        if lowScratch.count < lowCount { lowScratch = [Float](repeating: 0, count: lowCount) }
        input.withUnsafeBufferPointer { x in
            high.withUnsafeBufferPointer { y in
                lowScratch.withUnsafeMutableBufferPointer { out in
                    guard let x = x.baseAddress, let y = y.baseAddress, let out = out.baseAddress else { return }
                    let centre = x + reach + parity
                    let above = y + parity
                    for n in 0..<lowCount { out[n] = centre[2 * n] - above[2 * n] }
                }
                // Mean squares per block, a block's run of samples at a time (eight lanes).
                guard let y = y.baseAddress else { return }
                var c = 0
                while c < count {
                    let run = min(count - c, blockSize - blockFill)
                    var lanes = SIMD8<Float>()
                    var k = 0
                    while k + 8 <= run {
                        let v = UnsafeRawPointer(y + c + k).loadUnaligned(as: SIMD8<Float>.self)
                        lanes += v * v
                        k += 8
                    }
                    var sum = Double(lanes.sum())
                    while k < run {
                        sum += Double(y[c + k] * y[c + k])
                        k += 1
                    }
                    blockEnergy += sum
                    blockFill += run
                    c += run
                    if blockFill == blockSize {
                        energies.append(Float(blockEnergy / Double(blockSize)))
                        blockEnergy = 0
                        blockFill = 0
                    }
                }
            }
        }
        low.append(contentsOf: lowScratch[0..<lowCount])
        nextCentre += count
        input.removeFirst(count)
    }
}
