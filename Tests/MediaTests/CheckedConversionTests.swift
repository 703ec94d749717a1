import Media
import Testing

/// The one Double → integer conversion used on request numbers: every extreme gives
/// nil or a count, never a trap (a trap here would end the test process).
@Suite struct CheckedConversionTests {
    static let extremes: [Double] = [
        .nan, -Double.nan, .infinity, -Double.infinity, .greatestFiniteMagnitude, -Double.greatestFiniteMagnitude,
        1e300, -1e300, 1e19, -1e19, 9_223_372_036_854_775_807, -9_223_372_036_854_775_808,
        .leastNonzeroMagnitude, -Double.leastNonzeroMagnitude, 1e-300, -0.0, 0,
    ]

    @Test func extremesNeverTrap() {
        for value in Self.extremes {
            for rate in Self.extremes + [48_000, 30, 1.0 / 1001] {
                let count = CheckedConversion.count(seconds: value, rate: rate)
                if let count { #expect(Double(count) == (value * rate).rounded(), "\(value) × \(rate)") }
            }
            _ = CheckedConversion.int(value, rounding: .up)
            _ = CheckedConversion.int64(value, rounding: .down)
        }
    }

    @Test func boundariesOfInt64() {
        // 2⁶³ is the first Double past Int64.max; the largest Double below it converts exactly.
        #expect(CheckedConversion.int64(9_223_372_036_854_775_808.0) == nil)
        #expect(CheckedConversion.int64(9_223_372_036_854_774_784.0) == 9_223_372_036_854_774_784)
        #expect(CheckedConversion.int64(-9_223_372_036_854_775_808.0) == Int64.min)
        #expect(CheckedConversion.int64(-9_223_372_036_854_777_856.0) == nil)
        #expect(CheckedConversion.int64(.nan) == nil)
        #expect(CheckedConversion.int64(-Double.infinity) == nil)
        #expect(CheckedConversion.int64(-0.0) == 0)
        #expect(CheckedConversion.int64(1e-300, rounding: .up) == 1)
    }

    @Test func secondsToFramesAndSamples() {
        #expect(CheckedConversion.count(seconds: 0.5, rate: 30) == 15)
        #expect(CheckedConversion.count(seconds: 1.25, rate: 48_000) == 60_000)
        #expect(CheckedConversion.count(seconds: 1e300, rate: 48_000) == nil)
        #expect(CheckedConversion.count(seconds: 2e14, rate: 48_000) == nil)
        #expect(CheckedConversion.count(seconds: 1, rate: .nan) == nil)
        #expect(CheckedConversion.count(seconds: 0.1, rate: 25, rounding: .up) == 3)
    }
}
