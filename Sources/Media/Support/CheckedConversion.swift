/// Double → integer conversions that cannot trap. `Int64(x)` stops the process on NaN,
/// ±infinity and anything beyond ±2⁶³, and numbers from requests reach these
/// conversions (`fade_in: 1e300` × 48 000 samples). Every such conversion goes through
/// here and gets nil instead, which the caller turns into a problem naming the field.
public enum CheckedConversion {
    /// 2⁶³: the first Double past `Int64.max` (which a Double cannot hold exactly).
    private static let limit = 9_223_372_036_854_775_808.0

    /// `value` rounded by `rule`, or nil when it is not finite or does not fit in `Int64`.
    public static func int64(_ value: Double, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> Int64? {
        let rounded = value.rounded(rule)
        guard rounded.isFinite, rounded >= -limit, rounded < limit else { return nil }
        return Int64(rounded)
    }

    /// The same for `Int` (64 bits wherever this builds).
    public static func int(_ value: Double, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> Int? {
        int64(value, rounding: rule).flatMap { Int(exactly: $0) }
    }

    /// Frames or samples in `seconds` at `rate` per second (`seconds × rate`, rounded), or nil
    /// when either is not finite or the count does not fit.
    public static func count(
        seconds: Double, rate: Double,
        rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero
    ) -> Int64? {
        guard seconds.isFinite, rate.isFinite else { return nil }
        return int64(seconds * rate, rounding: rule)
    }
}
