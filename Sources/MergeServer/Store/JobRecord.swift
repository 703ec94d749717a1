import Foundation

/// Where a job is in its life. `queued → running → succeeded | failed | canceled`;
/// a running job may go back to `queued` (retry after a transient failure, or a
/// graceful shutdown that checkpoints it).
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, succeeded, failed, canceled

    public var isFinal: Bool { self == .succeeded || self == .failed || self == .canceled }
}

/// One row of the `jobs` table. JSON columns (`request`, `error`, `result`) hold text.
public struct JobRecord: Codable, Sendable, Equatable {

    public var id: String
    public var kind: String
    public var status: JobStatus
    public var request: String
    public var requestSHA256: String
    public var idempotencyKey: String?
    public var progress: Double
    public var stage: String?
    public var etaSeconds: Double?
    public var error: String?
    public var result: String?
    public var attempts: Int
    public var maxAttempts: Int
    public var runAfter: Double
    public var leaseOwner: String?
    public var leaseExpiresAt: Double?
    public var cancelRequested: Bool
    public var createdAt: Double
    public var startedAt: Double?
    public var finishedAt: Double?
    public var expiresAt: Double?
    /// The running attempt's fence: set by `claim`, required by every write of the attempt.
    public var attemptToken: String? = nil
    /// Times the job was found running when its process died (see `recoverInterrupted`).
    public var crashCount: Int = 0
    /// The API key that made the job (nil: made while the server had no keys).
    public var ownerKeyID: String? = nil
    /// Where the job's end is POSTed (`callback_url`; see `WebhookDeliverer`).
    public var callbackURL: String? = nil
    /// The job this one is a part of (a chunk of a chunked render); nil for a job of its own.
    public var parentID: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, kind, status, request
        case requestSHA256 = "request_sha256"
        case idempotencyKey = "idempotency_key"
        case progress, stage
        case etaSeconds = "eta_seconds"
        case error, result, attempts
        case maxAttempts = "max_attempts"
        case runAfter = "run_after"
        case leaseOwner = "lease_owner"
        case leaseExpiresAt = "lease_expires_at"
        case cancelRequested = "cancel_requested"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case expiresAt = "expires_at"
        case attemptToken = "attempt_token"
        case crashCount = "crash_count"
        case ownerKeyID = "owner_key_id"
        case callbackURL = "callback_url"
        case parentID = "parent_id"
    }

    /// The attempt a claim started, for the writes it fences.
    public var attempt: JobAttempt { JobAttempt(job: id, token: attemptToken ?? "", owner: ownerKeyID) }

    /// The decoded `error` column.
    public var failure: JobFailure? {
        error.flatMap { try? JSONDecoder().decode(JobFailure.self, from: Data($0.utf8)) }
    }
}

/// One row of the `videos` table: a rendered output and what to tell about it.
public struct VideoRecord: Codable, Sendable, Equatable {

    public var id: String
    public var jobId: String
    public var path: String
    public var sizeBytes: Int64
    /// JSON: probe data, the timeline used, cuts, processing time.
    public var info: String
    public var createdAt: Double

    enum CodingKeys: String, CodingKey {
        case id
        case jobId = "job_id"
        case path
        case sizeBytes = "size_bytes"
        case info
        case createdAt = "created_at"
    }
}

/// Why a job failed, as the API shows it: a machine-readable `type`, what happened,
/// and what to do. `transient` failures are retried with backoff before they count.
public struct JobFailure: Error, Codable, Sendable, Equatable {
    public var type: String
    public var message: String
    public var suggestion: String?
    public var transient: Bool

    public init(type: String, message: String, suggestion: String? = nil, transient: Bool = false) {
        self.type = type
        self.message = message
        self.suggestion = suggestion
        self.transient = transient
    }

    enum CodingKeys: String, CodingKey { case type, message, suggestion, transient }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(message, forKey: .message)
        try container.encodeIfPresent(suggestion, forKey: .suggestion)
        if transient { try container.encode(transient, forKey: .transient) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        message = try container.decode(String.self, forKey: .message)
        suggestion = try container.decodeIfPresent(String.self, forKey: .suggestion)
        transient = try container.decodeIfPresent(Bool.self, forKey: .transient) ?? false
    }
}
