import Foundation

/// What beat tracking needs from the audio, at `frameRate` frames per second.
struct OnsetFeatures: Sendable {
    /// The rate the audio is read at: the hat band (8 kHz and up) is split off there, the
    /// rest analyzed at `sampleRate` (HalfbandSplitter).
    static let inputRate = 32_000
    static let sampleRate = 16_000
    static let hop = 160
    static let frameRate = Double(sampleRate) / Double(hop)  // 100 frames per second

    /// Spectral flux of log-compressed band energies (rises only): every attack.
    var strength: [Float] = []
    /// The same below 250 Hz: kicks and bass, the beat's usual carriers.
    var lowStrength: [Float] = []
    /// The same above 3 kHz: snares, claps and cymbals, which are brighter than kicks.
    var highStrength: [Float] = []
    /// The rise of the energy above 8 kHz (log-compressed, frame to frame): hi-hats and
    /// shakers, which mark the subdivisions of the beat.
    var hatStrength: [Float] = []
    /// Energy per pitch class (12 per frame, flattened), for harmonic change at bar lines.
    var chroma: [Float] = []
    /// Peak sample magnitude per frame (the waveform of the plot) and RMS (silence).
    var peak: [Float] = []
    var rms: [Float] = []
    /// BeatNet's input bands (BeatNetModel.bandCount per frame) of every other frame
    /// (50 a second), when the tracker runs the learned activation; else empty.
    var networkBands: [Float] = []
    var duration: Double = 0

    var count: Int { strength.count }

    func time(ofFrame frame: Double) -> Double { frame / Self.frameRate }
}

/// A streaming short-time Fourier analysis: 64 ms Hann windows every 10 ms at 16 kHz,
/// energies in log-spaced bands (8 per octave, 30 Hz – 7.6 kHz), log-compressed;
/// onset strength is their rise over the previous frame's neighbouring bands
/// (SuperFlux-style, which ignores vibrato).
final class OnsetDetector {
    static let windowSize = 1024
    /// Strong log compression (close to decibels above a floor) lets quiet broadband
    /// attacks — snares, hats — count next to loud kicks; tuned on bench/beats.sh.
    static let compression: Float = 1e5

    private let fft: RealFFT
    private let window: [Float]
    private let bandEdges: [Int]
    private let lowBandCount: Int
    private let highBandStart: Int
    /// The bins (55 Hz – 5 kHz) nearest a note of each pitch class, pitch class by pitch
    /// class: those of class p are chromaBins[chromaStarts[p]..<chromaStarts[p + 1]].
    private let chromaBins: [Int32]
    private let chromaStarts: [Int]
    private var power: [Float]
    private var previous: [Float]
    private var current: [Float]
    private var pending: [Float]
    private var readIndex = 0
    private var inputSeen = 0
    private var splitter: HalfbandSplitter
    private var below: [Float] = []
    private var hatEnergy: [Float] = []
    private let network: BeatNetModel?
    private(set) var features = OnsetFeatures()

    /// - Parameter network: when given, its input bands are kept for every other frame.
    init(network: BeatNetModel? = nil) throws(MediaError) {
        self.network = network
        let size = Self.windowSize
        fft = try RealFFT(size: size)
        window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))) }
        let binHertz = Double(OnsetFeatures.sampleRate) / Double(size)
        var edges: [Int] = []
        var frequency = 30.0
        while frequency < 7_600 {
            let bin = Int((frequency / binHertz).rounded())
            if edges.last.map({ bin > $0 }) ?? true { edges.append(bin) }
            frequency *= pow(2, 1.0 / 8)
        }
        bandEdges = edges
        lowBandCount = edges.filter { Double($0) * binHertz < 250 }.count - 1
        highBandStart = edges.firstIndex { Double($0) * binHertz >= 3_000 } ?? edges.count
        let pitchClass: [Int8] = (0...(size / 2)).map { bin in
            let hertz = Double(bin) * binHertz
            guard hertz >= 55, hertz <= 5_000 else { return -1 }
            let midi = Int((12 * log2(hertz / 440)).rounded()) + 69
            return Int8(midi % 12)
        }
        let binsOfPitchClass = (0..<12).map { pitch in pitchClass.indices.filter { pitchClass[$0] == pitch }.map(Int32.init) }
        chromaBins = binsOfPitchClass.flatMap { $0 }
        chromaStarts = binsOfPitchClass.reduce(into: [0]) { starts, bins in starts.append(starts.last! + bins.count) }
        power = [Float](repeating: 0, count: size / 2 + 1)
        previous = [Float](repeating: 0, count: edges.count - 1)
        current = previous
        // Half a window of silence first, so frame t is centred on t × hop.
        pending = [Float](repeating: 0, count: size / 2)
        let ratio = OnsetFeatures.inputRate / OnsetFeatures.sampleRate
        splitter = HalfbandSplitter(blockSize: OnsetFeatures.hop * ratio, offset: OnsetFeatures.hop * ratio / 2)
    }

    /// Audio at `OnsetFeatures.inputRate`.
    func add(_ samples: UnsafeBufferPointer<Float>) {
        inputSeen += samples.count
        below.removeAll(keepingCapacity: true)
        splitter.process(samples, low: &below, energies: &hatEnergy)
        below.withUnsafeBufferPointer { addBelow($0) }
    }

    /// Audio at `OnsetFeatures.sampleRate`.
    private func addBelow(_ samples: UnsafeBufferPointer<Float>) {
        pending.append(contentsOf: samples)
        while pending.count - readIndex >= Self.windowSize {
            analyzeFrame(at: readIndex)
            readIndex += OnsetFeatures.hop
        }
        if readIndex > 1 << 16 {  // drop what every future window has passed
            pending.removeFirst(readIndex)
            readIndex = 0
        }
    }

    /// Pads the end (half a window) and returns the features.
    func finish() -> OnsetFeatures {
        // The splitter's last samples need the filter's reach of silence after them.
        below.removeAll(keepingCapacity: true)
        let tail = [Float](repeating: 0, count: HalfbandSplitter.reach + OnsetFeatures.inputRate / OnsetFeatures.sampleRate * OnsetFeatures.hop)
        tail.withUnsafeBufferPointer { splitter.process($0, low: &below, energies: &hatEnergy) }
        below.withUnsafeBufferPointer { addBelow($0) }
        let zeros = [Float](repeating: 0, count: Self.windowSize / 2)
        zeros.withUnsafeBufferPointer { addBelow($0) }
        features.duration = Double(inputSeen) / Double(OnsetFeatures.inputRate)
        let frames = Int((features.duration * OnsetFeatures.frameRate).rounded(.up))
        if features.count > frames {
            let extra = features.count - frames
            features.strength.removeLast(extra)
            features.lowStrength.removeLast(extra)
            features.highStrength.removeLast(extra)
            features.peak.removeLast(extra)
            features.rms.removeLast(extra)
            features.chroma.removeLast(extra * 12)
        }
        features.hatStrength = Self.rise(of: hatEnergy, frames: features.count)
        let networkFrames = (features.count + 1) / 2
        if features.networkBands.count > networkFrames * BeatNetModel.bandCount {
            features.networkBands.removeLast(features.networkBands.count - networkFrames * BeatNetModel.bandCount)
        }
        return features
    }

    /// Per frame, how much the log-compressed energy rose over the frame before (0 where it fell).
    static func rise(of energies: [Float], frames: Int) -> [Float] {
        var rises = [Float](repeating: 0, count: frames)
        var previous: Float = 0
        for frame in 0..<min(frames, energies.count) {
            let level = fastLog(1 + compression * energies[frame])
            rises[frame] = max(0, level - previous)
            previous = level
        }
        return rises
    }

    private func analyzeFrame(at start: Int) {
        let size = Self.windowSize
        var peak: Float = 0
        var energy: Float = 0
        pending.withUnsafeBufferPointer { samples in
            window.withUnsafeBufferPointer { window in
                guard let source = samples.baseAddress, let window = window.baseAddress else { return }
                let input = UnsafeMutableRawPointer(fft.samples)
                for i in stride(from: 0, to: size, by: 8) {  // size is a multiple of 8
                    let windowed =
                        UnsafeRawPointer(source + start + i).loadUnaligned(as: SIMD8<Float>.self)
                        * UnsafeRawPointer(window + i).loadUnaligned(as: SIMD8<Float>.self)
                    input.storeBytes(of: windowed, toByteOffset: i * MemoryLayout<Float>.size, as: SIMD8<Float>.self)
                }
            }
            // The waveform and loudness of the hop this frame is centred on.
            // Energy in eight SIMD lanes (the hop is a multiple of 8); the peak in four
            // independent scalar chains (SIMD's pointwiseMax is not inlined).
            guard let source = samples.baseAddress else { return }
            var energies = SIMD8<Float>()
            var peaks: (Float, Float, Float, Float) = (0, 0, 0, 0)
            for i in stride(from: size / 2 - OnsetFeatures.hop / 2, to: size / 2 + OnsetFeatures.hop / 2, by: 8) {
                let lanes = UnsafeRawPointer(source + start + i).loadUnaligned(as: SIMD8<Float>.self)
                energies += lanes * lanes
                peaks.0 = max(peaks.0, abs(lanes[0]), abs(lanes[4]))
                peaks.1 = max(peaks.1, abs(lanes[1]), abs(lanes[5]))
                peaks.2 = max(peaks.2, abs(lanes[2]), abs(lanes[6]))
                peaks.3 = max(peaks.3, abs(lanes[3]), abs(lanes[7]))
            }
            peak = max(peaks.0, peaks.1, peaks.2, peaks.3)
            energy = energies.sum()
        }
        power.withUnsafeMutableBufferPointer { if let base = $0.baseAddress { fft.powerSpectrum(into: base) } }
        // BeatNet's frames are 64 ms every 20 ms: this window (1024 samples at 16 kHz) every other hop.
        if let network, features.count % 2 == 0 {
            power.withUnsafeBufferPointer { network.appendBands(power: $0, to: &features.networkBands) }
        }

        let normalization = 4 / Float(size * size)
        var flux: Float = 0
        var lowFlux: Float = 0
        var highFlux: Float = 0
        power.withUnsafeBufferPointer { power in
            chromaBins.withUnsafeBufferPointer { bins in
                for pitch in 0..<12 {
                    var sum: Float = 0
                    for index in chromaStarts[pitch]..<chromaStarts[pitch + 1] { sum += power[Int(bins[index])] }
                    features.chroma.append(sum * normalization)
                }
            }
            bandEdges.withUnsafeBufferPointer { edges in
                current.withUnsafeMutableBufferPointer { level in
                    for band in 0..<(edges.count - 1) {
                        var sum: Float = 0
                        for bin in edges[band]..<edges[band + 1] { sum += power[bin] }
                        level[band] = sum
                    }
                    // Apart from the sums, so this loop vectorizes.
                    let scale = OnsetDetector.compression * normalization
                    for band in level.indices { level[band] = fastLog(1 + scale * level[band]) }
                }
            }
        }
        current.withUnsafeBufferPointer { level in
            previous.withUnsafeBufferPointer { previous in
                let last = previous.count - 1
                for band in 0...last {
                    let reference = max(previous[max(0, band - 1)], previous[band], previous[min(last, band + 1)])
                    let rise = max(0, level[band] - reference)
                    flux += rise
                    if band < lowBandCount { lowFlux += rise }
                    if band >= highBandStart { highFlux += rise }
                }
            }
        }
        swap(&previous, &current)
        features.strength.append(flux)
        features.lowStrength.append(lowFlux)
        features.highStrength.append(highFlux)
        features.peak.append(peak)
        features.rms.append((energy / Float(OnsetFeatures.hop)).squareRoot())
    }
}

/// Natural logarithm for x ≥ 1 to about 1e-5, inlined (libm's log1pf was a quarter of
/// the analysis): x = m·2^e with m in [1, 2), and log m = 2·atanh((m-1)/(m+1)) by its series.
@inline(__always)
private func fastLog(_ x: Float) -> Float {
    let bits = x.bitPattern
    let exponent = Float(Int32(bitPattern: bits >> 23) - 127)
    let mantissa = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)
    let s = (mantissa - 1) / (mantissa + 1)
    let s2 = s * s
    let series = s * (2 + s2 * (2.0 / 3 + s2 * (2.0 / 5 + s2 * (2.0 / 7 + s2 * (2.0 / 9)))))
    return exponent * 0.693_147_18 + series
}
