import Synchronization

/// A count of things allowed at once — open connections, requests held by `?wait` —
/// taken without blocking: whoever finds none free is turned away (or not held).
public final class AdmissionLimit: Sendable {
    public let maximum: Int
    private let taken = Mutex(0)

    public init(maximum: Int) { self.maximum = maximum }

    public var count: Int { taken.withLock { $0 } }

    public func enter() -> Bool {
        taken.withLock { taken in
            guard taken < maximum else { return false }
            taken += 1
            return true
        }
    }

    public func leave() { taken.withLock { $0 -= 1 } }
}
