import Foundation
import Generation
import HTTPTypes
import Hummingbird

/// Queues a checked request as a job — or finds the one its Idempotency-Key made —
/// and answers 202; with `?wait=SECONDS` the answer waits up to that long and is the
/// finished job (200) when it ends in time. What every job POST shares is read here:
/// `callback_url` in the body (`body(of:upTo:)`), `Idempotency-Key` and `?wait`.
struct JobSubmitter: Sendable {
    let jobs: JobRepository
    let engine: JobEngine
    let maxAttempts: Int
    /// Bounds the requests held open by `?wait` (each holds a connection and polls).
    let waiters: AdmissionLimit
    /// What a `callback_url` may point at (the caller-URL policy, `MERGE_SERVER_FETCH_ALLOW`).
    let callbackPolicy: AddressPolicy
    /// Jobs waiting at once (`limits.maxQueuedJobs`); a new one past it is a 429.
    var maxQueued: Int? = nil
    /// A new job needs room on the disk for what it will write (a 507 otherwise).
    var budget: DiskBudget? = nil
    /// ... and room under its key's storage quota (a 507 `storage_quota_exceeded` otherwise).
    var quota: StorageQuota? = nil
    /// Where new jobs are recorded (`job.submitted`).
    var audit: AuditLog? = nil
    /// What a 429 tells the caller to wait before trying again.
    static let queueFullRetrySeconds = 30
    /// The longest `?wait` honoured, under the usual 120 s proxy timeouts.
    static let maxWaitSeconds = 110.0

    /// A job POST's JSON body (at most `limit` bytes), `callback_url` taken out and checked
    /// (422 when it may not be one); the work's own decoding reads `work`.
    func body(of request: Request, upTo limit: Int) async throws -> JobRequestBody {
        let body = try JobRequestBody(try await request.jsonBody(upTo: limit))
        if let url = body.callbackURL, let problem = CallbackURL.problem(url, policy: callbackPolicy) {
            throw ValidationFailure([problem])
        }
        return body
    }

    /// `alsoWrite` runs in the new job's transaction, so no worker sees the job without it.
    func submit(
        kind: JobKind, body: JobRequestBody, request: Request, context: ServerContext, estimatedCostUSD: Double? = nil,
        alsoWrite: @escaping JobRepository.CompanionWrite = { _, _ in }
    ) async throws -> Response {
        let wait = try Self.waitSeconds(request)
        let key = try Self.idempotencyKey(request)
        let outcome: JobRepository.EnqueueOutcome
        let actor = context.apiKey?.id
        let requestID = context.requestID
        // The audit entry is written in the new job's transaction: both or neither.
        let submitter = audit.map { _ in AuditLog.Submitter(actor: actor, via: .api, requestID: requestID) }
        do {
            try checkRoom(owner: context.apiKey?.id)
            outcome = try await jobs.enqueue(
                kind: kind.rawValue, request: String(decoding: body.work, as: UTF8.self),
                idempotencyKey: key, maxAttempts: maxAttempts, maxQueued: maxQueued, owner: context.apiKey?.id,
                callbackURL: body.callbackURL, oneAtATime: estimatedCostUSD != nil, alsoWrite: alsoWrite, submitter: submitter)
        } catch let conflict as JobRepository.IdempotencyConflict {
            throw Problem.conflict(
                "the Idempotency-Key was used for job \(conflict.existing.id) with a different body",
                type: "idempotency_conflict", suggestion: "use a new key for a new request")
        } catch let full as JobRepository.QueueFull {
            throw Self.queueFull(full)
        } catch let over as BudgetExceeded {
            // Nothing was queued; the refusal is recorded on its own.
            try? await audit?.record(
                .spendRefused, subject: "\(kind.rawValue) over \(over.budget.rawValue)", actor: actor, via: .api, requestID: requestID)
            throw over
        }
        var job = outcome.job
        if case .created = outcome { engine.wake(kind: kind.rawValue) }
        var headers: HTTPFields = [.location: "/api/jobs/\(job.id)"]
        if case .existing = outcome { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        // When every wait slot is taken the answer is the 202 at once: the job is queued
        // either way, and the client goes on as it does when the wait runs out.
        if let wait, wait > 0, waiters.enter() {
            defer { waiters.leave() }
            job = try await finished(job, within: .milliseconds(Int64(wait * 1000)))
            if job.status.isFinal { return try JSONResponse.make(JobResource(job).signed(context.links), headers: headers) }
        }
        var accepted = JobAccepted(job, links: context.links)
        accepted.estimatedCostUSD = estimatedCostUSD
        return try JSONResponse.make(accepted, status: .accepted, headers: headers)
    }

    /// Throws the 507 when the disk budget, or the storage quota of `owner`, leaves no
    /// room for a job's output.
    func checkRoom(owner: String?) throws {
        _ = try budget?.room()
        _ = try quota?.allowance(for: owner)
    }

    /// The 429 of a full queue: when to come back, and why.
    static func queueFull(_ full: JobRepository.QueueFull) -> Problem {
        Problem(
            .tooManyRequests, type: "queue_full",
            detail: "the server already has \(full.queued) jobs waiting, its limit; this one was not queued",
            suggestion: "send it again after Retry-After seconds (or raise MERGE_SERVER_MAX_QUEUED_JOBS)",
            headers: [.retryAfter: String(queueFullRetrySeconds)])
    }

    /// The job once it ended, or as it is when the time is up (or the client left).
    private func finished(_ job: JobRecord, within limit: Duration) async throws -> JobRecord {
        let deadline = ContinuousClock.now + limit
        var current = job
        while !current.status.isFinal, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            current = try await jobs.find(job.id) ?? current
        }
        return current
    }

    static func waitSeconds(_ request: Request) throws -> Double? {
        guard let text = request.uri.queryParameters.get("wait") else { return nil }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds <= maxWaitSeconds else {
            throw Problem.badRequest(
                "wait must be a number of seconds from 0 to \(Int(maxWaitSeconds))", type: "bad_wait",
                suggestion: "poll GET /api/jobs/{id} or its events for longer work")
        }
        return seconds
    }

    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw Problem.badRequest("the Idempotency-Key must be 1–255 visible ASCII characters", type: "bad_idempotency_key")
        }
        return key
    }
}

/// The 202 answer to a queued job.
struct JobAccepted: Encodable {
    let jobID: String
    let status: JobStatus
    let statusURL: String
    let eventsURL: String
    /// Generation jobs: what the work is expected to cost at list prices.
    var estimatedCostUSD: Double?

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case status
        case statusURL = "status_url"
        case eventsURL = "events_url"
        case estimatedCostUSD = "estimated_cost_usd"
    }

    /// `links`: the event stream's URL signed for the key that made the job.
    init(_ job: JobRecord, links: SignedLinks?) {
        jobID = job.id
        status = job.status
        statusURL = "/api/jobs/\(job.id)"
        eventsURL = links.sign("/api/jobs/\(job.id)/events")
    }
}
