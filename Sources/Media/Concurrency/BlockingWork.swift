import Foundation

/// Runs blocking FFmpeg work off Swift's cooperative pool, and turns task cancellation
/// into the operation's `CancellationFlag` — which every input the work opens also
/// watches, so a cancel stops even a call blocked inside FFmpeg.
public enum BlockingWork {
    /// Runs `work` on Media's bounded pool (`MediaLimits.blockingWorkers` at once; the
    /// rest wait in order). For probes, analyses and other work of bounded length;
    /// cancelling a task whose work still waits answers it at once with `cancelled`.
    public static func run<T: Sendable>(
        name: String = "media",
        _ work: @escaping @Sendable (CancellationFlag) throws -> T
    ) async throws -> T {
        try await BlockingPool.shared.run(name: name, work)
    }

    /// Runs `work` on a thread of its own, for long work whose count the caller already
    /// bounds (a render or a synthesis per job worker), so it never holds the pool's
    /// threads from probes.
    public static func runOnOwnThread<T: Sendable>(
        name: String = "media",
        _ work: @escaping @Sendable (CancellationFlag) throws -> T
    ) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    continuation.resume(with: Result { try CurrentCancellation.with(flag) { try work(flag) } })
                }
                thread.name = name
                thread.stackSize = 4 << 20
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
    }
}
