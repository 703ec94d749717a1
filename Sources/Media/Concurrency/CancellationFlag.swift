import Synchronization

/// Set from any thread to ask a running media operation to stop. The operation
/// checks it between frames, so it stops within a frame's work and removes its
/// partial output.
public final class CancellationFlag: Sendable {
    private let cancelled = Atomic<Bool>(false)

    public init() {}

    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}
