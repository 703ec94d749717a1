import Foundation

/// A learned beat and downbeat activation: the CRNN of BeatNet (Heydari, Cwitkowitz &
/// Duan, "BeatNet: CRNN and particle filtering for online joint beat, downbeat and meter
/// tracking", ISMIR 2021), its weights (CC BY 4.0, see NOTICE) converted once by
/// scripts/convert-beatnet-weights.py; the inference is written here.
///
/// Input, 50 frames a second: 136 log-filtered magnitude bands (24 an octave, 30 Hz –
/// 17 kHz, here up to 8 kHz) of 64 ms Hann frames, log10(1 + x), and their rise over the
/// previous frame: 272 values. Then Conv1d(1 → 2, kernel 10) over the 272 values, ReLU,
/// max-pool 2 → 262 → Linear(150) → two LSTM layers of 150 → Linear(3) → softmax of
/// (beat, downbeat, no beat).
///
/// The input projections of each layer are one matrix product over all frames; only the
/// recurrence (600 × 150 per frame and layer) is sequential. Eight-lane SIMD throughout,
/// fast rational tanh (as Eigen's), no libm in the inner loops.
final class BeatNetModel: Sendable {
    static let bandCount = 136
    static let inputSize = 272
    static let hidden = 150
    static let gates = 600
    static let convolved = 262  // 2 channels × (272 − 10 + 1) / 2
    /// The padded row lengths (a multiple of 8, zeros beyond the real ones).
    static let convolvedStride = 264
    static let hiddenStride = 152

    let convWeights: [Float]  // 2 × 10
    let convBias: [Float]
    let inputWeights: [Float]  // 150 × convolvedStride
    let inputBias: [Float]
    let layerInput: [[Float]]  // per layer: 600 × hiddenStride
    let layerRecurrent: [[Float]]  // per layer: 600 × hiddenStride
    let layerBias: [[Float]]  // per layer: 600
    let outputWeights: [Float]  // 3 × hiddenStride
    let outputBias: [Float]
    /// Per band: its first FFT bin (1024 points at 16 kHz) and the weights from there.
    let filters: [(start: Int, weights: [Float])]

    /// The model shipped with Media, or nil when its file cannot be found or read (the
    /// tracker then uses its DSP activation alone).
    static let shared: BeatNetModel? = {
        for url in candidateURLs() {
            if let data = try? Data(contentsOf: url), let model = BeatNetModel(data: data) { return model }
        }
        return nil
    }()

    /// Where SwiftPM puts Media's resources (next to the executable, or the test bundle),
    /// and the source tree; MERGE_BEATNET_WEIGHTS overrides.
    private static func candidateURLs() -> [URL] {
        let name = "beatnet.bin"
        var urls: [URL] = []
        if let path = ProcessInfo.processInfo.environment["MERGE_BEATNET_WEIGHTS"], !path.isEmpty {
            urls.append(URL(fileURLWithPath: path))
        }
        let bundle = "MergeServer_Media.resources"
        urls.append(Bundle.main.bundleURL.appendingPathComponent(bundle).appendingPathComponent(name))
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            urls.append(executable.appendingPathComponent(bundle).appendingPathComponent(name))
        }
        if let resources = Bundle.main.resourceURL {
            urls.append(resources.appendingPathComponent(bundle).appendingPathComponent(name))
        }
        urls.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources")
            .appendingPathComponent(name))
        return urls
    }

    /// Parses the converted file (b"BNT1", a float count, little-endian float32s); nil if it is not one.
    init?(data: Data) {
        guard data.count >= 8, data.prefix(4) == Data("BNT1".utf8) else { return nil }
        let count = data.subdata(in: 4..<8).withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        guard data.count == 8 + 4 * count else { return nil }
        let values: [Float] = data.subdata(in: 8..<data.count).withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        var cursor = 0
        var failed = false
        func take(_ n: Int) -> ArraySlice<Float> {
            guard cursor + n <= values.count else { failed = true; return [] }
            defer { cursor += n }
            return values[cursor..<(cursor + n)]
        }
        /// rows × columns, each row padded with zeros to `stride`.
        func matrix(_ rows: Int, _ columns: Int, stride: Int) -> [Float] {
            let flat = take(rows * columns)
            guard !failed else { return [] }
            var padded = [Float](repeating: 0, count: rows * stride)
            for r in 0..<rows {
                for c in 0..<columns { padded[r * stride + c] = flat[flat.startIndex + r * columns + c] }
            }
            return padded
        }
        let h = Self.hidden, g = Self.gates
        convWeights = Array(take(20))
        convBias = Array(take(2))
        inputWeights = matrix(h, Self.convolved, stride: Self.convolvedStride)
        inputBias = Array(take(h))
        var input: [[Float]] = [], recurrent: [[Float]] = [], bias: [[Float]] = []
        for _ in 0..<2 {
            input.append(matrix(g, h, stride: Self.hiddenStride))
            recurrent.append(matrix(g, h, stride: Self.hiddenStride))
            bias.append(Array(take(g)))
        }
        layerInput = input
        layerRecurrent = recurrent
        layerBias = bias
        outputWeights = matrix(3, h, stride: Self.hiddenStride)
        outputBias = Array(take(3))
        var filters: [(start: Int, weights: [Float])] = []
        for _ in 0..<Self.bandCount {
            let head = take(2)
            guard !failed, let start = head.first.map({ Int($0) }), let length = head.last.map({ Int($0) }),
                  start >= 0, length >= 0, length == 0 || start + length <= 513 else { return nil }
            filters.append((start, Array(take(length))))
        }
        self.filters = filters
        guard !failed, cursor == values.count else { return nil }
    }

    /// Log-compressed band magnitudes of one frame from the power spectrum of a 1024-point
    /// FFT at 16 kHz (|X|², unscaled), appended to `bands`. The magnitudes are scaled to
    /// what BeatNet's 1411-point frames at 22.05 kHz give (the window sums differ).
    func appendBands(power: UnsafeBufferPointer<Float>, to bands: inout [Float]) {
        let scale: Float = 1411.0 / 1024.0
        for filter in filters {
            var sum: Float = 0
            for (offset, weight) in filter.weights.enumerated() {
                sum += weight * power[filter.start + offset].squareRoot()
            }
            bands.append(log10(1 + scale * sum))
        }
    }

    /// Beat and downbeat probabilities per frame, from `bands` (bandCount per frame).
    func activations(bands: [Float]) -> (beat: [Float], downbeat: [Float]) {
        activations(inputs: Self.inputs(bands: bands))
    }

    /// The network's input: each frame's bands, then their rise over the previous frame.
    static func inputs(bands: [Float]) -> [Float] {
        let n = bandCount
        let frames = bands.count / n
        var x = [Float](repeating: 0, count: frames * inputSize)
        for t in 0..<frames {
            for i in 0..<n {
                let value = bands[t * n + i]
                x[t * inputSize + i] = value
                x[t * inputSize + n + i] = t > 0 ? max(0, value - bands[(t - 1) * n + i]) : 0
            }
        }
        return x
    }

    /// Beat and downbeat probabilities per frame, from the network's inputs (inputSize per frame).
    func activations(inputs x: [Float]) -> (beat: [Float], downbeat: [Float]) {
        let frames = x.count / Self.inputSize
        guard frames > 0 else { return ([], []) }
        // Convolution, ReLU and pooling, frame by frame: 262 values (padded to 264).
        var pooled = [Float](repeating: 0, count: frames * Self.convolvedStride)
        for t in 0..<frames {
            let base = t * Self.inputSize
            for channel in 0..<2 {
                let w = convWeights[(channel * 10)..<(channel * 10 + 10)]
                let b = convBias[channel]
                for p in 0..<131 {
                    var best: Float = 0  // ReLU then max: never below 0
                    for k in 0..<2 {
                        let start = base + 2 * p + k
                        var sum = b
                        for j in 0..<10 { sum += w[w.startIndex + j] * x[start + j] }
                        best = max(best, sum)
                    }
                    pooled[t * Self.convolvedStride + channel * 131 + p] = best
                }
            }
        }
        var sequence = Self.product(pooled, rows: frames, weights: inputWeights, bias: inputBias,
                                     outputs: Self.hidden, stride: Self.convolvedStride, outputStride: Self.hiddenStride)
        for layer in 0..<2 {
            let projected = Self.product(sequence, rows: frames, weights: layerInput[layer], bias: layerBias[layer],
                                         outputs: Self.gates, stride: Self.hiddenStride, outputStride: Self.gates)
            sequence = recur(projected, frames: frames, weights: layerRecurrent[layer])
        }
        let logits = Self.product(sequence, rows: frames, weights: outputWeights, bias: outputBias,
                                  outputs: 3, stride: Self.hiddenStride, outputStride: 3)
        var beat = [Float](repeating: 0, count: frames)
        var downbeat = [Float](repeating: 0, count: frames)
        for t in 0..<frames {
            let l = logits[(3 * t)..<(3 * t + 3)]
            let top = l.max() ?? 0
            let e = l.map { exp($0 - top) }
            let total = e.reduce(0, +)
            beat[t] = e[0] / total
            downbeat[t] = e[1] / total
        }
        return (beat, downbeat)
    }

    /// out[r][o] = bias[o] + Σ_k a[r][k]·w[o][k]: each row of `a` against each row of the
    /// weights, both `stride` long (zero-padded), four weight rows at a time.
    static func product(_ a: [Float], rows: Int, weights: [Float], bias: [Float], outputs: Int, stride: Int,
                        outputStride: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * outputStride)
        a.withUnsafeBufferPointer { a in
            weights.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { out in
                    guard let a = a.baseAddress, let w = w.baseAddress, let out = out.baseAddress else { return }
                    for r in 0..<rows {
                        dotRows(a + r * stride, w, rows: outputs, stride: stride, into: out + r * outputStride)
                        for o in 0..<outputs { out[r * outputStride + o] += bias[o] }
                    }
                }
            }
        }
        return out
    }

    /// y[o] = Σ_k x[k]·w[o][k] for `rows` rows of `stride` (a multiple of 8).
    @inline(__always)
    static func dotRows(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, rows: Int, stride: Int,
                        into y: UnsafeMutablePointer<Float>) {
        let raw = UnsafeRawPointer(x)
        let weights = UnsafeRawPointer(w)
        let bytes = stride * 4
        var o = 0
        while o + 4 <= rows {
            var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
            let row = weights + o * bytes
            var k = 0
            while k < bytes {
                let v = raw.loadUnaligned(fromByteOffset: k, as: SIMD8<Float>.self)
                s0 += v * row.loadUnaligned(fromByteOffset: k, as: SIMD8<Float>.self)
                s1 += v * row.loadUnaligned(fromByteOffset: bytes + k, as: SIMD8<Float>.self)
                s2 += v * row.loadUnaligned(fromByteOffset: 2 * bytes + k, as: SIMD8<Float>.self)
                s3 += v * row.loadUnaligned(fromByteOffset: 3 * bytes + k, as: SIMD8<Float>.self)
                k += 32
            }
            y[o] = s0.sum(); y[o + 1] = s1.sum(); y[o + 2] = s2.sum(); y[o + 3] = s3.sum()
            o += 4
        }
        while o < rows {
            var s = SIMD8<Float>()
            let row = weights + o * bytes
            var k = 0
            while k < bytes {
                s += raw.loadUnaligned(fromByteOffset: k, as: SIMD8<Float>.self) * row.loadUnaligned(fromByteOffset: k, as: SIMD8<Float>.self)
                k += 32
            }
            y[o] = s.sum()
            o += 1
        }
    }

    /// One LSTM layer over the projected inputs (600 per frame: gates i, f, g, o); the
    /// hidden states, hiddenStride per frame.
    private func recur(_ projected: [Float], frames: Int, weights: [Float]) -> [Float] {
        let h = Self.hidden
        var out = [Float](repeating: 0, count: frames * Self.hiddenStride)
        var state = [Float](repeating: 0, count: Self.hiddenStride)
        var cell = [Float](repeating: 0, count: h)
        var gates = [Float](repeating: 0, count: Self.gates)
        projected.withUnsafeBufferPointer { projected in
            weights.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { out in
                    state.withUnsafeMutableBufferPointer { state in
                        cell.withUnsafeMutableBufferPointer { cell in
                            gates.withUnsafeMutableBufferPointer { gates in
                                guard let w = w.baseAddress, let s = state.baseAddress, let g = gates.baseAddress,
                                      let p = projected.baseAddress else { return }
                                for t in 0..<frames {
                                    Self.dotRows(s, w, rows: Self.gates, stride: Self.hiddenStride, into: g)
                                    let row = p + t * Self.gates
                                    for j in 0..<h {
                                        let i = sigmoid(g[j] + row[j])
                                        let f = sigmoid(g[h + j] + row[h + j])
                                        let c = fastTanh(g[2 * h + j] + row[2 * h + j])
                                        let o = sigmoid(g[3 * h + j] + row[3 * h + j])
                                        cell[j] = f * cell[j] + i * c
                                        let value = o * fastTanh(cell[j])
                                        s[j] = value
                                        out[t * Self.hiddenStride + j] = value
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// tanh to about 1e-7 (Eigen's rational approximation, odd 13/6), clamped where it is ±1 in float.
@inline(__always)
func fastTanh(_ value: Float) -> Float {
    let x = min(max(value, -7.905_311), 7.905_311)
    let x2 = x * x
    var p: Float = -2.760_768_5e-16
    p = p * x2 + 2.000_187_9e-13
    p = p * x2 - 8.604_671_5e-11
    p = p * x2 + 5.122_297_1e-08
    p = p * x2 + 1.485_722_4e-05
    p = p * x2 + 6.372_619_3e-04
    p = p * x2 + 4.893_524_6e-03
    p *= x
    var q: Float = 1.198_258_4e-06
    q = q * x2 + 1.185_347_1e-04
    q = q * x2 + 2.268_434_6e-03
    q = q * x2 + 4.893_525_2e-03
    return p / q
}

@inline(__always)
func sigmoid(_ x: Float) -> Float { 0.5 + 0.5 * fastTanh(0.5 * x) }
