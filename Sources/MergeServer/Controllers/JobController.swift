import Foundation
import HTTPTypes
import Hummingbird
import Media
import NIOCore
import ServiceLifecycle

/// `GET /api/jobs`, `GET|DELETE /api/jobs/{id}`, `GET /api/jobs/{id}/events`, `POST /api/jobs/{id}/retry`,
/// `GET /api/jobs/{id}/deliveries`.
struct JobController {
    let jobs: JobRepository
    let engine: JobEngine
    let events: JobEventHub
    let heartbeat: Duration
    /// A retried job is queued like a new one: the same queue bound and disk check.
    let submitter: JobSubmitter
    /// An event stream ends when the key that opened it is revoked.
    let keys: APIKeyRepository
    let audit: AuditLog
    /// The webhook deliveries of each job's ends.
    let deliveries: WebhookRepository

    /// The controller's routes, added to the router as one collection.
    var routes: RouteCollection<ServerContext> {
        let router = RouteCollection(context: ServerContext.self)
        router.get("/api/jobs", use: list)
        router.get("/api/jobs/{id}", use: show)
        router.delete("/api/jobs/{id}", use: cancel)
        router.get("/api/jobs/{id}/events", use: stream)
        router.post("/api/jobs/{id}/retry", use: retry)
        router.get("/api/jobs/{id}/deliveries", use: listDeliveries)
        return router
    }

    @Sendable func list(_ request: Request, context: ServerContext) async throws -> Response {
        let query = request.uri.queryParameters
        var problems: [FieldProblem] = []
        var status: JobStatus?
        if let text = query.get("status") {
            status = JobStatus(rawValue: text)
            if status == nil { problems.append(.init("status", "must be one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")) }
        }
        var limit = 50
        if let text = query.get("limit") {
            if let value = Int(text), (1...200).contains(value) { limit = value } else { problems.append(.init("limit", "must be 1…200")) }
        }
        var cursor: JobCursor?
        if let token = query.get("cursor") {
            // A forged cursor can carry NaN or infinity as its time; only real times page.
            cursor = JobCursor(token: token).flatMap { $0.createdAt.isFinite ? $0 : nil }
            if cursor == nil { problems.append(.init("cursor", "is not a cursor this server gave out")) }
        }
        let kind = query.get("kind")
        if let kind, kind.count > 64 || !kind.allSatisfy({ ($0.isASCII && $0.isLetter) || $0 == "_" }) {
            problems.append(.init("kind", "is not a job kind"))
        }
        // The parts of a chunked render are listed under their parent only.
        let parent = query.get("parent_id")
        if let parent, !Identifier.isValid(parent, .job) { problems.append(.init("parent_id", "is not a job id")) }
        if !problems.isEmpty {
            throw Problem(
                .badRequest, type: "bad_query", detail: problems.map { "\($0.field) \($0.message)" }.joined(separator: "; "),
                errors: problems)
        }

        let page = try await jobs.list(
            status: status, kind: kind, limit: limit + 1, after: cursor, owner: context.visibility.ownerFilter, parent: parent)
        let shown = Array(page.prefix(limit))
        let next = page.count > limit ? shown.last.map { JobCursor(createdAt: $0.createdAt, id: $0.id).token } : nil
        return try JSONResponse.make(JobPage(jobs: shown.map { JobResource($0).signed(context.links) }, nextCursor: next))
    }

    @Sendable func show(_ request: Request, context: ServerContext) async throws -> Response {
        try JSONResponse.make(JobResource(try await job(context)).signed(context.links))
    }

    /// Cancels, then waits up to three seconds for a running job to stop so the answer
    /// usually shows it `canceled` (a render stops within a second).
    @Sendable func cancel(_ request: Request, context: ServerContext) async throws -> Response {
        let id = try await job(context).id
        switch try await engine.cancel(id) {
        case .notFound:
            throw Problem.notFound("job", id: id, kind: .job)
        case .alreadyEnded(let job) where job.status == .canceled:
            return try JSONResponse.make(JobResource(job).signed(context.links))
        case .alreadyEnded(let job):
            throw Problem.conflict("job \(id) already \(job.status.rawValue); there is nothing to cancel", type: "job_already_ended")
        case .canceled(let job):
            try await audit.record(.jobCanceled, subject: id, actor: context.apiKey?.id, via: .api, requestID: context.requestID)
            return try JSONResponse.make(JobResource(job).signed(context.links))
        case .requested(var job):
            try await audit.record(.jobCanceled, subject: id, actor: context.apiKey?.id, via: .api, requestID: context.requestID)
            let deadline = ContinuousClock.now + .seconds(3)
            while !job.status.isFinal, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                job = try await jobs.find(id) ?? job
            }
            return try JSONResponse.make(JobResource(job).signed(context.links), status: job.status.isFinal ? .ok : .accepted)
        }
    }

    /// Runs a failed job again — one quarantined as `crashed`, or one that failed for good —
    /// with its attempts reset: 202 and the queued job. Any other state is a 409.
    @Sendable func retry(_ request: Request, context: ServerContext) async throws -> Response {
        let found = try await job(context)
        let id = found.id
        try submitter.checkRoom(owner: found.ownerKeyID)
        let outcome: JobRepository.RetryOutcome
        do {
            outcome = try await jobs.retry(id, maxQueued: submitter.maxQueued)
        } catch let full as JobRepository.QueueFull {
            throw JobSubmitter.queueFull(full)
        }
        switch outcome {
        case .notFound:
            throw Problem.notFound("job", id: id, kind: .job)
        case .notFailed(let job):
            throw Problem.conflict(
                "job \(id) is \(job.status.rawValue); only a failed job can be retried", type: "job_not_failed",
                suggestion: job.status.isFinal ? "submit the request again for a new job" : "wait for the job to end")
        case .requeued(let job):
            try await audit.record(.jobRetried, subject: id, actor: context.apiKey?.id, via: .api, requestID: context.requestID)
            engine.wake(kind: job.kind)
            events.publish(job: id, name: "status", data: JobEngine.json(JobResource(job)))
            return try JSONResponse.make(JobAccepted(job, links: context.links), status: .accepted, headers: [.location: "/api/jobs/\(id)"])
        }
    }

    /// The job's webhook deliveries (one per time it ended), oldest first, with every attempt.
    @Sendable func listDeliveries(_ request: Request, context: ServerContext) async throws -> Response {
        let id = try await job(context).id
        return try JSONResponse.make(WebhookDeliveryList(try deliveries.deliveries(ofJob: id)))
    }

    /// Server-Sent Events until the job ends: what was missed since `Last-Event-ID` (or
    /// the current state), then `progress` and `status` as they happen, `done` last.
    @Sendable func stream(_ request: Request, context: ServerContext) async throws -> Response {
        let id = try validID(context)
        let lastEventID = (request.headers[.lastEventID] ?? request.uri.queryParameters.get("last_event_id")).flatMap { UInt64($0) }
        let subscription: JobEventHub.Subscription
        do {
            subscription = try events.subscribe(job: id, after: lastEventID, heartbeat: heartbeat)
        } catch {
            throw Problem(
                .tooManyRequests, type: "too_many_event_streams",
                detail: error.perJob
                    ? "this job already has as many open event streams as one job may have"
                    : "the server already holds as many open event streams as it may",
                suggestion: "close streams you no longer read, or poll GET /api/jobs/{id}",
                headers: [.retryAfter: "5"])
        }
        guard let job = try await jobs.find(id), context.visibility.allows(owner: job.ownerKeyID) else {
            subscription.close()
            throw Problem.notFound("job", id: id, kind: .job)
        }
        let keyID = context.apiKey?.id
        let keys = keys
        let links = context.links
        // Looked up before each write: a revoked (or unreadable) key ends the stream at the
        // next event or heartbeat.
        let keyStillValid: @Sendable () -> Bool = {
            guard let keyID else { return true }
            return (try? keys.find(id: keyID))?.isRevoked == false
        }
        let headers: HTTPFields = [
            .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                // The stream ends when the job ends, the client goes away, or the server stops.
                try await withGracefulShutdownHandler {
                    try await request.body.consumeWithInboundCloseHandler { _ in
                        try await Self.send(job, subscription: subscription, links: links, keyStillValid: keyStillValid, to: &writer)
                    } onInboundClosed: {
                        subscription.close()
                    }
                } onGracefulShutdown: {
                    subscription.close()
                }
                subscription.close()
                try await writer.finish(nil)
            })
    }

    private static func send(
        _ job: JobRecord, subscription: JobEventHub.Subscription, links: SignedLinks?, keyStillValid: @Sendable () -> Bool,
        to writer: inout any ResponseBodyWriter
    ) async throws {
        if let missed = subscription.missed {
            for event in missed { try await writer.write(encode(signed(event, links))) }
        } else {
            try await writer.write(encode(name: "status", data: JobEngine.json(JobResource(job).signed(links))))
        }
        if job.status.isFinal {
            try await writer.write(encode(name: "done", data: JobEngine.json(JobResource(job).signed(links))))
            return
        }
        for await delivery in subscription.deliveries {
            guard keyStillValid() else { return }
            switch delivery {
            case .heartbeat: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
            case .event(let event): try await writer.write(encode(signed(event, links)))
            }
        }
    }

    /// The hub's events are shared by every stream of a job, so the job in a `status` or
    /// `done` event is signed here, for the key of this stream.
    static func signed(_ event: JobEvent, _ links: SignedLinks?) -> JobEvent {
        guard let links, event.name == "status" || event.name == "done",
            let job = try? JSONDecoder().decode(JobResource.self, from: Data(event.data.utf8))
        else { return event }
        return JobEvent(id: event.id, name: event.name, data: JobEngine.json(job.signed(links)))
    }

    static func encode(_ event: JobEvent) -> ByteBuffer {
        ByteBuffer(string: "id: \(event.id)\nevent: \(event.name)\ndata: \(event.data)\n\n")
    }

    static func encode(name: String, data: String) -> ByteBuffer {
        ByteBuffer(string: "event: \(name)\ndata: \(data)\n\n")
    }

    private func validID(_ context: ServerContext) throws -> String {
        let id = try context.parameters.require("id")
        guard Identifier.isValid(id, .job) else { throw Problem.notFound("job", id: id, kind: .job) }
        return id
    }

    /// The job the path names, if this request may see it (another key's job is a 404).
    private func job(_ context: ServerContext) async throws -> JobRecord {
        let id = try validID(context)
        guard let job = try await jobs.find(id), context.visibility.allows(owner: job.ownerKeyID) else {
            throw Problem.notFound("job", id: id, kind: .job)
        }
        return job
    }
}

/// A page of `GET /api/jobs`.
struct JobPage: Encodable {
    let jobs: [JobResource]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case jobs
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobs, forKey: .jobs)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
