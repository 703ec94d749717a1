import Synchronization

/// The engine, for handlers made before it (a chunked render's parent runs its children
/// through it). Weak: the engine holds the handlers.
final class EngineLink: Sendable {
    private struct Weak: @unchecked Sendable { weak var engine: JobEngine? }
    private let state = Mutex(Weak())

    init() {}

    var engine: JobEngine? { state.withLock { $0.engine } }

    func bind(_ engine: JobEngine) { state.withLock { $0.engine = engine } }
}
