/// The look a seed gives a mock clip. Seed 0 is the canonical pattern; any other
/// seed turns the hue, shifts the pattern and picks colours, deterministically.
struct SeededVariation {
    let hueDegrees: Int
    let horizontalShift: Double
    let verticalShift: Double
    /// A colour as "0xRRGGBB", for patterns that take one.
    let color: String
    /// A second colour, the first's complement, for patterns that blend two (gradients).
    let secondColor: String
    /// The pattern's own random seed (gradients, life), within Int32.
    let patternSeed: Int64

    init(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let hue = Int(generator.next() % 360)
        let hShift = Double(generator.next() % 1000) / 1000
        let vShift = Double(generator.next() % 1000) / 1000
        let rgb = generator.next() & 0xFFFFFF
        patternSeed = Int64(generator.next() % UInt64(Int32.max))
        if seed == 0 {
            hueDegrees = 0
            horizontalShift = 0
            verticalShift = 0
            color = "0x2050A0"
            secondColor = "0xE0A030"
        } else {
            // Keep the turn visible: at least 40° away from the original hue.
            hueDegrees = 40 + hue % 280
            horizontalShift = hShift
            verticalShift = vShift
            color = Self.hex(rgb | 0x202020)
            secondColor = Self.hex(~rgb & 0xFFFFFF | 0x202020)
        }
    }
}

extension SeededVariation {
    fileprivate static func hex(_ rgb: UInt64) -> String {
        "0x" + String(rgb, radix: 16, uppercase: true).leftPadded(to: 6)
    }
}

/// A small, fast, well-mixed generator whose sequence is fixed for a seed on every platform.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
