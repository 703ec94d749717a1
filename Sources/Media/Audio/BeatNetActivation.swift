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
    // The matrices are stored transposed, input-major (k × outputs), rows of k padded with zeros.
    let inputWeights: [Float]  // convolvedStride × 150
    let inputBias: [Float]
    let layerInput: [[Float]]  // per layer: hiddenStride × 600
    let layerRecurrent: [[Float]]  // per layer: hiddenStride × 600
    let layerBias: [[Float]]  // per layer: 600
    let outputWeights: [Float]  // hiddenStride × 3
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
        urls.append(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources")
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
            guard cursor + n <= values.count else {
                failed = true
                return []
            }
            defer { cursor += n }
            return values[cursor..<(cursor + n)]
        }
        /// A rows × columns matrix (PyTorch's outputs × inputs), transposed to columns × rows
        /// and padded with zero rows to `stride` inputs.
        func matrix(_ rows: Int, _ columns: Int, stride: Int) -> [Float] {
            let flat = take(rows * columns)
            guard !failed else { return [] }
            var transposed = [Float](repeating: 0, count: stride * rows)
            for r in 0..<rows {
                for c in 0..<columns { transposed[c * rows + r] = flat[flat.startIndex + r * columns + c] }
            }
            return transposed
        }
        let h = Self.hidden
        let g = Self.gates
        convWeights = Array(take(20))
        convBias = Array(take(2))
        inputWeights = matrix(h, Self.convolved, stride: Self.convolvedStride)
        inputBias = Array(take(h))
        var input: [[Float]] = []
        var recurrent: [[Float]] = []
        var bias: [[Float]] = []
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
                start >= 0, length >= 0, length == 0 || start + length <= 513
            else { return nil }
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
    func activations(inputs: [Float], chunk: Int = 128) -> (beat: [Float], downbeat: [Float]) {
        let frames = inputs.count / Self.inputSize
        guard frames > 0, chunk > 0 else { return ([], []) }
        // A chunk of frames at a time through all the layers, the LSTM state carried over:
        // the intermediate products stay in cache (a 3-minute song's are 30 MB at once).
        var state = LSTMState()
        var beat: [Float] = []
        var downbeat: [Float] = []
        beat.reserveCapacity(frames)
        downbeat.reserveCapacity(frames)
        for start in stride(from: 0, to: frames, by: chunk) {
            let end = min(frames, start + chunk)
            let part = activations(chunk: Array(inputs[(start * Self.inputSize)..<(end * Self.inputSize)]), state: &state)
            beat += part.beat
            downbeat += part.downbeat
        }
        return (beat, downbeat)
    }

    /// The recurrent layers' hidden and cell states between chunks.
    struct LSTMState {
        var hidden = [[Float]](repeating: [Float](repeating: 0, count: BeatNetModel.hiddenStride), count: 2)
        var cell = [[Float]](repeating: [Float](repeating: 0, count: BeatNetModel.hidden), count: 2)
    }

    private func activations(chunk x: [Float], state lstm: inout LSTMState) -> (beat: [Float], downbeat: [Float]) {
        let frames = x.count / Self.inputSize
        guard frames > 0 else { return ([], []) }
        // Convolution, ReLU and pooling, frame by frame: 262 values (padded to 264).
        var pooled = [Float](repeating: 0, count: frames * Self.convolvedStride)
        x.withUnsafeBufferPointer { x in
            pooled.withUnsafeMutableBufferPointer { pooled in
                guard let x = x.baseAddress, let pooled = pooled.baseAddress else { return }
                var line = [Float](repeating: 0, count: 263)
                line.withUnsafeMutableBufferPointer { line in
                    guard let line = line.baseAddress else { return }
                    for t in 0..<frames {
                        let input = x + t * Self.inputSize
                        for channel in 0..<2 {
                            // Each tap adds a shifted copy of the input: contiguous, so it vectorizes.
                            line.update(repeating: convBias[channel], count: 263)
                            for j in 0..<10 {
                                let weight = convWeights[channel * 10 + j]
                                let shifted = input + j
                                for p in 0..<263 { line[p] += weight * shifted[p] }
                            }
                            let out = pooled + t * Self.convolvedStride + channel * 131
                            for p in 0..<131 { out[p] = max(0, max(line[2 * p], line[2 * p + 1])) }  // ReLU, pool
                        }
                    }
                }
            }
        }
        var sequence = Self.product(
            pooled, rows: frames, weights: inputWeights, bias: inputBias,
            outputs: Self.hidden, stride: Self.convolvedStride, outputStride: Self.hiddenStride)
        for layer in 0..<2 {
            let projected = Self.product(
                sequence, rows: frames, weights: layerInput[layer], bias: layerBias[layer],
                outputs: Self.gates, stride: Self.hiddenStride, outputStride: Self.gates)
            sequence = recur(
                projected, frames: frames, weights: layerRecurrent[layer],
                state: &lstm.hidden[layer], cell: &lstm.cell[layer])
        }
        let logits = Self.product(
            sequence, rows: frames, weights: outputWeights, bias: outputBias,
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

    /// out[r][o] = bias[o] + Σ_k a[r][k]·w[k][o]: each row of `a` (`stride` long,
    /// zero-padded) through the transposed weights.
    static func product(
        _ a: [Float], rows: Int, weights: [Float], bias: [Float], outputs: Int, stride: Int,
        outputStride: Int
    ) -> [Float] {
        var out = [Float](repeating: 0, count: rows * outputStride)
        a.withUnsafeBufferPointer { a in
            weights.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { bias in
                    out.withUnsafeMutableBufferPointer { out in
                        guard let a = a.baseAddress, let w = w.baseAddress, let bias = bias.baseAddress,
                            let out = out.baseAddress
                        else { return }
                        var r = 0
                        // Four rows at a time share each load of the weights.
                        while r + 4 <= rows {
                            for q in 0..<4 { (out + (r + q) * outputStride).update(from: bias, count: outputs) }
                            accumulate4(
                                a + r * stride, stride: stride, w, inputs: stride, outputs: outputs,
                                into: out + r * outputStride, outputStride: outputStride)
                            r += 4
                        }
                        while r < rows {
                            let y = out + r * outputStride
                            y.update(from: bias, count: outputs)
                            accumulate(a + r * stride, w, inputs: stride, outputs: outputs, into: y)
                            r += 1
                        }
                    }
                }
            }
        }
        return out
    }

    /// accumulate for four rows of x (`stride` apart) into four rows of y (`outputStride` apart),
    /// two inputs at a time.
    @inline(__always)
    static func accumulate4(
        _ x: UnsafePointer<Float>, stride: Int, _ w: UnsafePointer<Float>, inputs: Int, outputs: Int,
        into y: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        let (y0, y1, y2, y3) = (y, y + outputStride, y + 2 * outputStride, y + 3 * outputStride)
        let (x0, x1, x2, x3) = (x, x + stride, x + 2 * stride, x + 3 * stride)
        var k = 0
        while k < inputs {
            let wa = w + k * outputs
            let wb = wa + outputs
            let (a0, a1, a2, a3) = (x0[k], x1[k], x2[k], x3[k])
            let (b0, b1, b2, b3) = (x0[k + 1], x1[k + 1], x2[k + 1], x3[k + 1])
            for o in 0..<outputs {
                let p = wa[o]
                let q = wb[o]
                y0[o] += p * a0 + q * b0
                y1[o] += p * a1 + q * b1
                y2[o] += p * a2 + q * b2
                y3[o] += p * a3 + q * b3
            }
            k += 2
        }
    }

    /// y[o] += Σ_k x[k]·w[k][o], four inputs at a time (`inputs` a multiple of 4). In this
    /// form (a scaled sum of contiguous rows into contiguous outputs) the compiler's loop
    /// vectorizer makes plain SIMD of it; the dot-product form was shuffled and spilled.
    @inline(__always)
    static func accumulate(
        _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, inputs: Int, outputs: Int,
        into y: UnsafeMutablePointer<Float>
    ) {
        var k = 0
        while k < inputs {
            let (x0, x1, x2, x3) = (x[k], x[k + 1], x[k + 2], x[k + 3])
            if x0 != 0 || x1 != 0 || x2 != 0 || x3 != 0 {
                let w0 = w + k * outputs
                let w1 = w0 + outputs
                let w2 = w1 + outputs
                let w3 = w2 + outputs
                for o in 0..<outputs {
                    y[o] += w0[o] * x0 + w1[o] * x1 + w2[o] * x2 + w3[o] * x3
                }
            }
            k += 4
        }
    }

    /// One LSTM layer over the projected inputs (600 per frame: gates i, f, g, o); the
    /// hidden states, hiddenStride per frame.
    private func recur(_ projected: [Float], frames: Int, weights: [Float], state: inout [Float], cell: inout [Float]) -> [Float] {
        let h = Self.hidden
        var out = [Float](repeating: 0, count: frames * Self.hiddenStride)
        var gates = [Float](repeating: 0, count: Self.gates)
        projected.withUnsafeBufferPointer { projected in
            weights.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { out in
                    state.withUnsafeMutableBufferPointer { state in
                        cell.withUnsafeMutableBufferPointer { cell in
                            gates.withUnsafeMutableBufferPointer { gates in
                                guard let w = w.baseAddress, let s = state.baseAddress, let g = gates.baseAddress,
                                    let p = projected.baseAddress
                                else { return }
                                for t in 0..<frames {
                                    let row = p + t * Self.gates
                                    g.update(from: row, count: Self.gates)
                                    Self.accumulate(s, w, inputs: Self.hiddenStride, outputs: Self.gates, into: g)
                                    for j in 0..<h {
                                        let i = sigmoid(g[j])
                                        let f = sigmoid(g[h + j])
                                        let c = fastTanh(g[2 * h + j])
                                        let o = sigmoid(g[3 * h + j])
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
