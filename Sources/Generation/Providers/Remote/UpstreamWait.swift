/// The upstream work ended and failed (a failed prediction, a flagged request): nothing
/// is left to cancel.
struct UpstreamFinished: Error {
    let error: ProviderError
}

/// The time allowed for upstream work passed.
struct DeadlineExceeded: Error {}

/// Runs `operation`, cancelling it when `limit` passes (throws `DeadlineExceeded`).
/// The caller's cancellation still ends it with `CancellationError`.
func withDeadline<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: DeadlineOutcome<T>.self) { group in
        group.addTask { .value(try await operation()) }
        group.addTask {
            try await Task.sleep(for: limit)
            return .deadline
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        switch first {
        case .value(let value): return value
        case .deadline: throw DeadlineExceeded()
        }
    }
}

private enum DeadlineOutcome<T: Sendable>: Sendable {
    case value(T)
    case deadline
}

/// Waits for work the provider accepted (`wait` polls it to the end). Whatever stops
/// the wait early — the deadline, our task's cancellation, a poll that keeps failing —
/// cancels the upstream work first (best effort, in a detached task so our own
/// cancellation does not cancel the cancel), then throws: `.timeout` for the deadline,
/// `CancellationError` for our cancellation, the poll's error otherwise.
func awaitUpstream<T: Sendable>(
    jobID: String, provider: String, deadline: Duration,
    cancel: @escaping @Sendable () async -> Void,
    wait: @escaping @Sendable () async throws -> T
) async throws -> T {
    do {
        return try await withDeadline(deadline, wait)
    } catch let finished as UpstreamFinished {
        throw finished.error
    } catch is DeadlineExceeded {
        await cancelDetached(cancel)
        throw ProviderError(
            .timeout, "\(jobID) did not finish within \(deadline); a cancel was sent upstream", provider: provider,
            mayHaveBeenAccepted: true)
    } catch {
        await cancelDetached(cancel)
        if Task.isCancelled { throw CancellationError() }
        throw error
    }
}

/// The longest we hold the caller for a best-effort upstream cancel.
let upstreamCancelWait: Duration = .seconds(10)

/// Runs `cancel` in a detached task — our own task may be cancelled, and that must not
/// cancel the cancel — and waits for it at most `upstreamCancelWait`.
private func cancelDetached(_ cancel: @escaping @Sendable () async -> Void) async {
    await Task.detached {
        _ = try? await withDeadline(upstreamCancelWait) { await cancel() }
    }.value
}
