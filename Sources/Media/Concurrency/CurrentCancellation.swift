import Foundation

/// The cancellation flag of the media work running on this thread. Work started by
/// `MediaExecutor` (or a blocking entry point given a flag) sets it, so every input
/// opened underneath — even inside a caller's probe closure that never saw the flag —
/// stops when the work is cancelled.
enum CurrentCancellation {
    private static let key = "MergeServer.Media.cancellation"

    static var flag: CancellationFlag? {
        Thread.current.threadDictionary[key] as? CancellationFlag
    }

    /// Runs `body` with `flag` as this thread's flag; nil keeps the one already set.
    static func with<T, E: Error>(_ flag: CancellationFlag?, _ body: () throws(E) -> T) throws(E) -> T {
        guard let flag else { return try body() }
        let dictionary = Thread.current.threadDictionary
        let previous = dictionary[key]
        dictionary[key] = flag
        defer { dictionary[key] = previous }
        return try body()
    }
}
