import Foundation

/// Synthesized drum tracks with exactly known beats, for beat-tracking tests.
public struct DrumTrack {
    public let samples: [Float]
    public let sampleRate: Int
    public let beats: [Double]
    public let downbeats: [Double]

    public init(samples: [Float], sampleRate: Int, beats: [Double], downbeats: [Double]) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.beats = beats
        self.downbeats = downbeats
    }

    public enum Style: Sendable {
        /// Kick on 1 and 3, snare on 2 and 4, eighth-note hats.
        case rock
        /// Kick on 1, hats on 2 and 3, a bass note per bar.
        case waltz
        /// Rock with swung eighth hats (the "and" at two thirds of the beat).
        case swing
        /// Clicks only: an accented high click on each downbeat, a lower one on other beats.
        case clicks
        /// Half-time: kick on 1 and the "and" of 3, snare on 3, eighth-note hats whose sound is
        /// all above about 8 kHz (accented on the beat): only the hats count the beat.
        case halftime
    }

    /// `tempi` gives the tempo of each segment of `seconds`/`tempi.count` (a step when it changes).
    public static func make(
        style: Style, tempi: [Double], seconds: Double, beatsPerBar: Int = 4,
        sampleRate: Int = 44_100, seed: UInt64 = 1
    ) -> DrumTrack {
        var samples = [Float](repeating: 0, count: Int(seconds * Double(sampleRate)))
        var random = SeededRandom(seed)
        var beats: [Double] = []
        var downbeats: [Double] = []
        var time = 0.25
        var index = 0
        let segment = seconds / Double(tempi.count)
        while time < seconds - 0.3 {
            let period = 60 / tempi[min(tempi.count - 1, Int(time / segment))]
            let position = index % beatsPerBar
            beats.append(time)
            if position == 0 { downbeats.append(time) }
            func add(_ sound: Sound, at start: Double, gain: Float) {
                sound.render(into: &samples, at: Int(start * Double(sampleRate)), sampleRate: sampleRate, gain: gain, random: &random)
            }
            switch style {
            case .clicks:
                add(position == 0 ? .click(hertz: 1_600) : .click(hertz: 900), at: time, gain: position == 0 ? 0.9 : 0.5)
            case .rock, .swing:
                add(position % 2 == 0 ? .kick : .snare, at: time, gain: position == 0 ? 0.9 : 0.7)
                add(.hat, at: time, gain: 0.25)
                add(.hat, at: time + period * (style == .swing ? 2.0 / 3 : 0.5), gain: 0.2)
                if position == 0 { add(.bass(hertz: [55, 65.4, 49, 73.4][(index / beatsPerBar) % 4], seconds: period * 4), at: time, gain: 0.3) }
            case .halftime:
                if position == 0 { add(.kick, at: time, gain: 0.9) }
                if position == 2 {
                    add(.snare, at: time, gain: 0.8)
                    add(.kick, at: time + period / 2, gain: 0.7)
                }
                add(.brightHat, at: time, gain: 0.35)
                add(.brightHat, at: time + period / 2, gain: 0.22)
                if position == 0 { add(.bass(hertz: [55, 65.4, 49, 73.4][(index / beatsPerBar) % 4], seconds: period * 4), at: time, gain: 0.3) }
            case .waltz:
                add(position == 0 ? .kick : .hat, at: time, gain: position == 0 ? 0.9 : 0.35)
                if position == 0 { add(.bass(hertz: [55, 73.4, 65.4][(index / beatsPerBar) % 3], seconds: period * 3), at: time, gain: 0.35) }
            }
            time += period
            index += 1
        }
        let peak = samples.map(abs).max() ?? 1
        if peak > 0.95 { samples = samples.map { $0 * 0.95 / peak } }
        return DrumTrack(samples: samples, sampleRate: sampleRate, beats: beats, downbeats: downbeats)
    }

    /// Writes 16-bit mono PCM WAV.
    public func writeWAV(to path: String) throws {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let bytes = samples.count * 2
        data.append(contentsOf: Array("RIFF".utf8))
        append(UInt32(36 + bytes))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append(UInt32(16))
        append(UInt16(1))
        append(UInt16(1))
        append(UInt32(sampleRate))
        append(UInt32(sampleRate * 2))
        append(UInt16(2))
        append(UInt16(16))
        data.append(contentsOf: Array("data".utf8))
        append(UInt32(bytes))
        for sample in samples { append(Int16(max(-1, min(1, sample)) * 32_767)) }
        try data.write(to: URL(fileURLWithPath: path))
    }
}

private enum Sound {
    case kick, snare, hat
    /// A hat with its sound above about 8 kHz: noise differenced three times.
    case brightHat
    case click(hertz: Double)
    case bass(hertz: Double, seconds: Double)

    func render(into samples: inout [Float], at start: Int, sampleRate: Int, gain: Float, random: inout SeededRandom) {
        let rate = Double(sampleRate)
        let length: Int
        switch self {
        case .kick: length = Int(0.25 * rate)
        case .snare: length = Int(0.18 * rate)
        case .hat, .brightHat: length = Int(0.05 * rate)
        case .click: length = Int(0.06 * rate)
        case .bass(_, let seconds): length = Int(seconds * rate)
        }
        var phase = 0.0
        var differences = (0.0, 0.0, 0.0)
        for i in 0..<length where start + i < samples.count {
            let t = Double(i) / rate
            let value: Double
            switch self {
            case .kick:
                phase += 2 * .pi * (50 + 90 * exp(-t * 30)) / rate
                value = sin(phase) * exp(-t * 14)
            case .snare:
                value = (random.uniform() * 2 - 1) * exp(-t * 22) * 0.8 + sin(2 * .pi * 190 * t) * exp(-t * 30) * 0.4
            case .hat:
                value = (random.uniform() * 2 - 1) * exp(-t * 90) * (i % 2 == 0 ? 1 : -1)
            case .brightHat:
                // Each difference adds 6 dB an octave: 8 kHz is 16 dB under the top at 44.1 kHz.
                let x = random.uniform() * 2 - 1
                let first = x - differences.0
                let second = first - differences.1
                value = (second - differences.2) / 8 * exp(-t * 90)
                differences = (x, first, second)
            case .click(let hertz):
                value = sin(2 * .pi * hertz * t) * exp(-t * 70)
            case .bass(let hertz, _):
                value = sin(2 * .pi * hertz * t) * min(1, t * 50) * exp(-t * 1.5)
            }
            samples[start + i] += Float(value) * gain
        }
    }
}

/// A tiny deterministic generator, so a track is the same on every run.
struct SeededRandom {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
}

/// mir_eval's beat F-measure: a detection within ±`window` of an unmatched reference counts once.
public func beatFMeasure(reference: [Double], estimated: [Double], window: Double = 0.07) -> Double {
    guard !reference.isEmpty, !estimated.isEmpty else { return reference.isEmpty && estimated.isEmpty ? 1 : 0 }
    var used = Set<Int>()
    var hits = 0
    for time in estimated {
        if let match = reference.indices.first(where: { !used.contains($0) && abs(reference[$0] - time) <= window }) {
            used.insert(match)
            hits += 1
        }
    }
    let precision = Double(hits) / Double(estimated.count)
    let recall = Double(hits) / Double(reference.count)
    return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
}
