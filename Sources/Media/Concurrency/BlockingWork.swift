import Foundation

/// Runs blocking FFmpeg work on a dedicated thread, off Swift's cooperative pool, and
/// turns task cancellation into the operation's `CancellationFlag`.
public enum BlockingWork {
    public static func run<T: Sendable>(
        name: String = "media",
        _ work: @escaping @Sendable (CancellationFlag) throws -> T
    ) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    continuation.resume(with: Result { try work(flag) })
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
