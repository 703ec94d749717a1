/// Periodicity alone cannot tell a beat from its half or its double (the tracker's
/// classic failure: fast songs at half tempo). The tracked beats can: when the points
/// halfway between beats hit about as hard as the beats, the beat is twice as fast;
/// when every other beat is much weaker, those were subdivisions and the beat is half
/// as fast.
enum MetricalLevel {
    static let halfwayRatio = 0.3
    static let alternateRatio = 0.2

    /// A factor for the beat period (0.5 or 2), or nil to keep it.
    static func correction(beats: [Int], envelope: [Float], period: Double, allowed: ClosedRange<Double>) -> Double? {
        guard beats.count >= 8 else { return nil }
        let onBeats = beats.map { strength(at: $0, envelope) }
        let halfway = zip(beats, beats.dropFirst()).map { strength(at: ($0 + $1) / 2, envelope) }
        let beatMean = mean(onBeats)
        guard beatMean > 0 else { return nil }
        if allowed.contains(period / 2), mean(halfway) > halfwayRatio * beatMean {
            return 0.5
        }
        let even = mean(stride(from: 0, to: onBeats.count, by: 2).map { onBeats[$0] })
        let odd = mean(stride(from: 1, to: onBeats.count, by: 2).map { onBeats[$0] })
        if allowed.contains(period * 2), min(even, odd) < alternateRatio * max(even, odd) {
            return 2
        }
        return nil
    }

    private static func strength(at frame: Int, _ envelope: [Float]) -> Double {
        let range = max(0, frame - 2)...max(0, min(envelope.count - 1, frame + 2))
        return Double(range.map { envelope[$0] }.max() ?? 0)
    }

    private static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
