import Foundation

/// Where a long media operation is: the fraction done, the current stage, and an
/// estimate of the seconds left.
public struct MediaProgress: Sendable, Equatable {
    public var fraction: Double
    public var stage: String
    public var etaSeconds: Double?

    public init(fraction: Double, stage: String, etaSeconds: Double? = nil) {
        self.fraction = fraction
        self.stage = stage
        self.etaSeconds = etaSeconds
    }
}

public typealias ProgressHandler = @Sendable (MediaProgress) -> Void

/// Reports progress at most every `interval` seconds (and always at the end), with an
/// ETA from the elapsed time and the fraction done.
struct ProgressReporter {
    private let handler: ProgressHandler?
    private let stage: String
    private let interval: Double
    private let start = ContinuousClock.now
    private var lastReport: ContinuousClock.Instant?

    init(_ handler: ProgressHandler?, stage: String, interval: Double = 0.1) {
        self.handler = handler
        self.stage = stage
        self.interval = interval
    }

    mutating func report(_ fraction: Double, force: Bool = false) {
        guard let handler else { return }
        let now = ContinuousClock.now
        if !force, let lastReport, (now - lastReport) < .milliseconds(Int(interval * 1000)) { return }
        lastReport = now
        let clamped = min(1, max(0, fraction))
        let elapsed = (now - start).seconds
        let eta = clamped > 0.01 ? elapsed * (1 - clamped) / clamped : nil
        handler(MediaProgress(fraction: clamped, stage: stage, etaSeconds: eta))
    }
}

extension Duration {
    /// The duration in seconds, as a number.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
