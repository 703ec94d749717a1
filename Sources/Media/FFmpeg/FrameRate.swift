import CFFmpeg

/// A frame rate as an exact fraction (30/1, 30000/1001).
public struct FrameRate: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public let numerator: Int32
    public let denominator: Int32

    public init(_ numerator: Int32, _ denominator: Int32 = 1) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The usual fraction for a decimal rate: 29.97 → 30000/1001, 25 → 25/1.
    public init?(_ value: Double) {
        guard value.isFinite, value > 0, value <= 1000 else { return nil }
        if value == value.rounded() {
            self.init(Int32(value))
            return
        }
        let ntsc = (value * 1.001).rounded()
        if abs(value - ntsc / 1.001) < 0.005 {
            self.init(Int32(ntsc) * 1000, 1001)
            return
        }
        let q = av_d2q(value, 100_000)
        self.init(q.num, q.den)
    }

    public var value: Double { Double(numerator) / Double(denominator) }
    var rational: AVRational { AVRational(num: numerator, den: denominator) }
    /// One frame's duration as a time base.
    var frameDuration: AVRational { AVRational(num: denominator, den: numerator) }

    public var description: String {
        denominator == 1 ? "\(numerator)" : String(format: "%.3f", value)
    }
}
