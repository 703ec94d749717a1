import CCurl
import Foundation
import Synchronization

/// The thread that runs every transfer of one `CurlHTTPClient` through one curl multi
/// handle, so connections are kept alive and reused between requests and no thread of
/// the cooperative pool ever blocks on the network.
///
/// Callers queue jobs and cancellations under `state` and wake the thread with
/// `curl_multi_wakeup` (libcurl's one multi call made for other threads). Every other
/// curl call — creating, configuring, running, removing and freeing handles — happens
/// on the loop thread, whose own state (the multi handle, the running transfers) lives
/// in `run()`'s locals. The thread starts with the first job and sleeps in
/// `curl_multi_poll` while idle; `shutdown()` ends it once nothing is running.
final class CurlMultiLoop: Sendable {
    private struct State {
        var threadStarted = false
        var stopping = false
        var nextID: UInt64 = 0
        var incoming: [CurlJob] = []
        /// Jobs submitted and not yet resumed.
        var live: Set<UInt64> = []
        var cancelled: Set<UInt64> = []
        /// Set while the multi handle exists, so other threads can wake it.
        var multi: WakeupHandle?
        var connectionsOpened = 0
    }

    private let state = Mutex(State())
    /// The longest `curl_multi_poll` sleeps; a missed wakeup costs at most this.
    private static let pollMilliseconds: Int32 = 1000
    /// Idle connections kept for reuse (providers, their storage hosts, proxies).
    private static let cachedConnections = 32

    init() {}

    /// Connections opened so far (a reused connection does not count).
    var connectionsOpened: Int { state.withLock { $0.connectionsOpened } }

    func makeID() -> UInt64 {
        state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
    }

    /// Queues `job`, or resumes it with `CancellationError` if its task is already
    /// cancelled. Called from the job's task, inside its cancellation handler's scope.
    func submit(_ job: CurlJob) {
        enum Admission {
            case queued(startThread: Bool)
            case cancelled, stopped
        }
        let admission: Admission = state.withLock { state in
            // Checked under the lock: a cancellation handler that ran before this found
            // no live job, but then the flag was already set and is seen here.
            if Task.isCancelled { return .cancelled }
            if state.stopping { return .stopped }
            state.incoming.append(job)
            state.live.insert(job.id)
            state.multi?.wake()
            defer { state.threadStarted = true }
            return .queued(startThread: !state.threadStarted)
        }
        switch admission {
        case .queued(let startThread):
            if startThread { startLoopThread() }
        case .cancelled:
            job.continuation.resume(throwing: CancellationError())
        case .stopped:
            job.continuation.resume(
                throwing: HTTPClientError(
                    .invalidRequest, "The HTTP client was shut down.",
                    url: job.request.url, sent: false))
        }
    }

    /// Asks the loop to stop the job `id` promptly; it then throws `CancellationError`.
    /// Nothing happens for a job already finished.
    func cancel(_ id: UInt64) {
        state.withLock { state in
            guard state.live.contains(id) else { return }
            state.cancelled.insert(id)
            state.multi?.wake()
        }
    }

    /// Lets the thread end once no job is left.
    func shutdown() {
        state.withLock { state in
            state.stopping = true
            state.multi?.wake()
        }
    }

    private func startLoopThread() {
        let thread = Thread { [self] in run() }
        thread.name = "curl-http"
        thread.start()
    }

    // MARK: The loop thread

    private func run() {
        guard let multi = curl_multi_init() else {
            failQueuedJobs("libcurl could not create its multi handle (out of memory?).")
            return
        }
        // libcurl sizes the idle-connection cache by the transfers in the multi handle
        // (4 each): with one request at a time it would keep only 4 hosts' connections.
        // A failure here only leaves that default, so the transfers go on.
        _ = mc_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, Self.cachedConnections)
        state.withLock { $0.multi = WakeupHandle(multi: multi) }
        var running: [UInt64: CurlTransfer] = [:]
        var idsByHandle: [UnsafeMutableRawPointer: UInt64] = [:]

        func end(_ transfer: CurlTransfer, _ result: Result<CurlJob.Outcome, any Error>) {
            running[transfer.job.id] = nil
            idsByHandle[transfer.easy] = nil
            resume(transfer.job, with: result)
        }

        while true {
            let (jobs, cancelled, stopping) = state.withLock { state in
                defer {
                    state.incoming = []
                    state.cancelled = []
                }
                return (state.incoming, state.cancelled, state.stopping)
            }

            for job in jobs {
                if cancelled.contains(job.id) {
                    resume(job, with: .failure(CancellationError()))
                    continue
                }
                do {
                    let transfer = try CurlTransfer.make(job)
                    let code = curl_multi_add_handle(multi, transfer.easy)
                    guard code == CURLM_OK else {
                        throw HTTPClientError(
                            .io, "libcurl could not start the transfer: \(String(cString: curl_multi_strerror(code))).",
                            url: job.request.url, sent: false)
                    }
                    running[job.id] = transfer
                    idsByHandle[transfer.easy] = job.id
                } catch {
                    resume(job, with: .failure(error))
                }
            }

            for id in cancelled {
                guard let transfer = running[id] else { continue }
                detach(transfer.easy, from: multi)
                transfer.discard()
                end(transfer, .failure(CancellationError()))
            }

            var stillRunning: Int32 = 0
            let performed = curl_multi_perform(multi, &stillRunning)
            if performed != CURLM_OK {
                // The multi handle itself failed: nothing running can finish.
                let reason = String(cString: curl_multi_strerror(performed))
                for transfer in running.values {
                    detach(transfer.easy, from: multi)
                    transfer.discard()
                    end(
                        transfer,
                        .failure(
                            HTTPClientError(
                                .connectionLost, "libcurl failed: \(reason).",
                                url: transfer.job.request.url, sent: true)))
                }
            }

            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                // The message dies with curl_multi_remove_handle: read it first.
                guard mc_msg_is_done(message) != 0, let easy = mc_msg_easy_handle(message) else { continue }
                let code = mc_msg_result(message)
                detach(easy, from: multi)
                guard let id = idsByHandle[easy], let transfer = running[id] else { continue }
                let result = transfer.finish(code)
                let opened = transfer.connectionsOpened
                state.withLock { $0.connectionsOpened += opened }
                end(transfer, result)
            }

            if stopping, running.isEmpty, state.withLock({ $0.incoming.isEmpty }) { break }

            // Sleeps until a socket is ready, libcurl's next timeout, or a wakeup.
            if curl_multi_poll(multi, nil, 0, Self.pollMilliseconds, nil) != CURLM_OK {
                // Polling itself failed (rare): avoid spinning while it persists.
                Thread.sleep(forTimeInterval: 0.01)
            }
        }

        state.withLock { $0.multi = nil }
        curl_multi_cleanup(multi)
    }

    /// Takes a transfer out of the multi handle before its transfer frees it. A failure
    /// (only for a handle not in this multi handle) leaves nothing to undo:
    /// `curl_easy_cleanup` also detaches a handle still attached.
    private func detach(_ easy: UnsafeMutableRawPointer, from multi: UnsafeMutableRawPointer) {
        _ = curl_multi_remove_handle(multi, easy)
    }

    private func resume(_ job: CurlJob, with result: Result<CurlJob.Outcome, any Error>) {
        state.withLock { _ = $0.live.remove(job.id) }
        job.continuation.resume(with: result)
    }

    private func failQueuedJobs(_ message: String) {
        let jobs = state.withLock { state in
            defer {
                state.incoming = []
                state.threadStarted = false
            }
            return state.incoming
        }
        for job in jobs {
            resume(job, with: .failure(HTTPClientError(.io, message, url: job.request.url, sent: false)))
        }
    }
}

/// The multi handle as other threads may use it: only to wake the loop.
///
/// Safety of `@unchecked Sendable`: `curl_multi_wakeup` is the one libcurl multi call
/// documented as safe from any thread, and it is only called under the loop's lock
/// while the handle exists (the loop clears it under that lock before
/// `curl_multi_cleanup`).
private struct WakeupHandle: @unchecked Sendable {
    let multi: UnsafeMutableRawPointer

    func wake() {
        // A failed wakeup only delays the loop until its poll times out.
        _ = curl_multi_wakeup(multi)
    }
}
