import Foundation
import Synchronization

/// The bounds Media puts on the work one input may cost, so a hostile file cannot hold
/// a thread or memory for long. Safe defaults; an operator may change them at start-up
/// (they are read when an input is opened or work is queued).
public enum MediaLimits {
    private static let probeDeadlineNanoseconds = Atomic<Int64>(20_000_000_000)
    private static let readDeadlineNanoseconds = Atomic<Int64>(20_000_000_000)
    private static let maxPixelsValue = Atomic<Int>(8192 * 8192)

    /// How long opening and probing one input may take in all before it is refused.
    public static var probeDeadline: Duration {
        get { .nanoseconds(probeDeadlineNanoseconds.load(ordering: .relaxed)) }
        set { probeDeadlineNanoseconds.store(newValue.clampedNanoseconds, ordering: .relaxed) }
    }

    /// How long one read of an open input (one packet) may take; a stall longer than
    /// this stops a render or an analysis.
    public static var readDeadline: Duration {
        get { .nanoseconds(readDeadlineNanoseconds.load(ordering: .relaxed)) }
        set { readDeadlineNanoseconds.store(newValue.clampedNanoseconds, ordering: .relaxed) }
    }

    /// The largest picture (width × height) an input may declare or a decoder may
    /// allocate: 8192 × 8192 by default, the largest a mock can make.
    public static var maxPixels: Int {
        get { maxPixelsValue.load(ordering: .relaxed) }
        set { maxPixelsValue.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Bytes FFmpeg reads to identify streams (its own default, said explicitly so it
    /// cannot be raised by an input).
    static let probeSizeBytes = 5_000_000
    /// Microseconds of media FFmpeg analyses to identify streams: FFmpeg's default, which
    /// it otherwise raises to 7 s for MPEG-TS and 90 s for FLV.
    static let analyzeDurationMicroseconds = 5_000_000
}

extension Duration {
    /// Whole nanoseconds, 0 for a negative duration and `Int64.max` for one too long to count.
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        guard seconds < Int64.max / 1_000_000_000 - 1 else { return Int64.max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
