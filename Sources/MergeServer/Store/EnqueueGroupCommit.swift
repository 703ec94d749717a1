import Synchronization

/// Group commit for new jobs. Submissions that arrive while the store is busy with earlier
/// ones wait together and go in as one transaction: one lock statement per owner, one
/// multi-row INSERT, one commit (one WAL flush on PostgreSQL) for all of them. A
/// transaction costs the client and the server far more than a row: on PostgreSQL one
/// transaction per new job (with its audit entry) topped out near 1,100 a second on 2
/// cores; in groups, 3,400 to 5,600 (bench/queue.sh).
///
/// An idle store sees no delay: a submission that finds a free slot starts a transaction
/// at once, alone. At most `maxTransactions` run at a time; those that come meanwhile form
/// the next group. When a group's transaction fails, its submissions are retried one per
/// transaction, so each gets its own outcome (a budget refusal fails only its request).
final class EnqueueGroupCommit: Sendable {
    private struct Waiting: Sendable {
        let submission: JobSubmission
        let reply: CheckedContinuation<JobRepository.EnqueueOutcome, any Error>
    }
    private struct State {
        var waiting: [Waiting] = []
        var transactions = 0
    }
    private let state = Mutex(State())
    /// The queue's length for the `maxQueued` checks.
    private let queued = QueuedJobsGauge()
    private let transactionsRun = Atomic<Int>(0)
    /// How many transactions the groups took so far (retries one by one included).
    var transactions: Int { transactionsRun.load(ordering: .relaxed) }
    /// Two: one group is committing while the next is being written.
    static let maxTransactions = 2
    /// Bounds one statement's size (the jobs table's columns times this many binds).
    static let maxGroup = 64

    func enqueue(_ submission: JobSubmission, in database: Database) async throws -> JobRepository.EnqueueOutcome {
        try await withCheckedThrowingContinuation { reply in
            let start = state.withLock { state in
                state.waiting.append(Waiting(submission: submission, reply: reply))
                guard state.transactions < Self.maxTransactions else { return false }
                state.transactions += 1
                return true
            }
            if start { Task { await self.commitWaiting(in: database) } }
        }
    }

    /// Commits groups of waiting submissions until none is left.
    private func commitWaiting(in database: Database) async {
        while let group = nextGroup() {
            await commit(group, in: database)
        }
    }

    private func nextGroup() -> [Waiting]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.transactions -= 1
                return nil
            }
            let count = min(state.waiting.count, Self.maxGroup)
            defer { state.waiting.removeFirst(count) }
            return Array(state.waiting.prefix(count))
        }
    }

    private func commit(_ group: [Waiting], in database: Database) async {
        let submissions = group.map(\.submission)
        transactionsRun.add(1, ordering: .relaxed)
        do {
            let outcomes = try await database.write { db in try JobSubmission.insertAll(submissions, db, gauge: self.queued) }
            for (waiting, outcome) in zip(group, outcomes) { waiting.reply.resume(with: outcome) }
        } catch {
            guard group.count > 1 else {
                group[0].reply.resume(throwing: error)
                return
            }
            await withTaskGroup(of: Void.self) { tasks in
                for waiting in group {
                    tasks.addTask {
                        self.transactionsRun.add(1, ordering: .relaxed)
                        do {
                            let outcome = try await database.write { db in
                                try JobSubmission.insertAll([waiting.submission], db, gauge: self.queued)[0]
                            }
                            waiting.reply.resume(with: outcome)
                        } catch {
                            waiting.reply.resume(throwing: error)
                        }
                    }
                }
            }
        }
    }
}
