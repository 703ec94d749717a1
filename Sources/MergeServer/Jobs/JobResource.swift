import Foundation
import Generation

/// A job as the API shows it (`GET /api/jobs/{id}`, SSE `status` and `done` events).
public struct JobResource: Codable, Sendable, Equatable {
    public var id: String
    public var kind: String
    public var status: JobStatus
    public var progress: Double
    public var stage: String?
    public var etaSeconds: Double?
    public var attempts: Int
    public var error: JobFailure?
    public var result: JSONValue?
    public var createdAt: String
    public var startedAt: String?
    public var finishedAt: String?
    public var expiresAt: String?
    public var statusURL: String
    public var eventsURL: String
    /// The job this one is a part of (a `render_chunk` of a chunked `merge_videos`); null otherwise.
    public var parentID: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, status, progress, stage
        case etaSeconds = "eta_seconds"
        case attempts, error, result
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case expiresAt = "expires_at"
        case statusURL = "status_url"
        case eventsURL = "events_url"
        case parentID = "parent_id"
    }

    public init(_ job: JobRecord) {
        id = job.id
        kind = job.kind
        status = job.status
        progress = (job.progress * 1000).rounded() / 1000
        stage = job.stage
        etaSeconds = job.etaSeconds.map { ($0 * 10).rounded() / 10 }
        attempts = job.attempts
        error = job.failure
        result = JSONValue(text: job.result)
        createdAt = Timestamp.iso8601(job.createdAt)
        startedAt = job.startedAt.map(Timestamp.iso8601)
        finishedAt = job.finishedAt.map(Timestamp.iso8601)
        expiresAt = job.expiresAt.map(Timestamp.iso8601)
        statusURL = "/api/jobs/\(job.id)"
        eventsURL = "/api/jobs/\(job.id)/events"
        parentID = job.parentID
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(status, forKey: .status)
        try container.encode(progress, forKey: .progress)
        try container.encode(stage, forKey: .stage)
        try container.encode(etaSeconds, forKey: .etaSeconds)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(error, forKey: .error)
        try container.encode(result, forKey: .result)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(statusURL, forKey: .statusURL)
        try container.encode(eventsURL, forKey: .eventsURL)
        try container.encode(parentID, forKey: .parentID)
    }
}

extension JobResource {
    /// This job as answered to a key: its event stream and the media links in its result
    /// signed for that key (as it is, when `links` is nil).
    func signed(_ links: SignedLinks?) -> JobResource {
        guard let links else { return self }
        var signed = self
        signed.eventsURL = links.sign(eventsURL)
        signed.result = result.map(links.apply)
        return signed
    }
}

/// The progress of a running job, as the SSE `progress` event carries it.
public struct JobProgressEvent: Codable, Sendable {
    public var progress: Double
    public var stage: String
    public var etaSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case progress, stage
        case etaSeconds = "eta_seconds"
    }
}

enum Timestamp {
    /// RFC 3339 / ISO 8601 with milliseconds, UTC.
    static func iso8601(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
