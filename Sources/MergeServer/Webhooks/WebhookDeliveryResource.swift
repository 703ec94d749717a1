import Foundation

/// `GET /api/jobs/{id}/deliveries`: `{"deliveries": […]}`.
struct WebhookDeliveryList: Encodable {
    let deliveries: [WebhookDeliveryResource]

    init(_ rows: [(delivery: WebhookDelivery, attempts: [WebhookAttempt])]) {
        deliveries = rows.map { WebhookDeliveryResource($0.delivery, attempts: $0.attempts) }
    }
}

/// A delivery as the API shows it. Absent values are null, never left out.
struct WebhookDeliveryResource: Encodable {
    /// The `webhook-id` of every attempt.
    var id: String
    var url: String
    var status: WebhookDeliveryStatus
    /// The job's status in the delivered body.
    var jobStatus: JobStatus
    var createdAt: String
    var nextAttemptAt: String?
    var finishedAt: String?
    var attempts: [Attempt]

    struct Attempt: Encodable {
        var number: Int
        var at: String
        var durationMS: Int
        var statusCode: Int?
        var error: String?
        var outcome: WebhookAttemptOutcome

        enum CodingKeys: String, CodingKey {
            case number, at, error, outcome
            case durationMS = "duration_ms"
            case statusCode = "status_code"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(number, forKey: .number)
            try container.encode(at, forKey: .at)
            try container.encode(durationMS, forKey: .durationMS)
            try container.encode(statusCode, forKey: .statusCode)
            try container.encode(error, forKey: .error)
            try container.encode(outcome, forKey: .outcome)
        }
    }

    init(_ delivery: WebhookDelivery, attempts: [WebhookAttempt]) {
        id = delivery.id
        url = delivery.url
        status = delivery.status
        jobStatus = delivery.jobStatus
        createdAt = Timestamp.iso8601(delivery.createdAt)
        nextAttemptAt = delivery.status == .pending ? delivery.nextAttemptAt.map(Timestamp.iso8601) : nil
        finishedAt = delivery.finishedAt.map(Timestamp.iso8601)
        self.attempts = attempts.map {
            Attempt(
                number: $0.number, at: Timestamp.iso8601($0.at), durationMS: Int(($0.durationSeconds * 1000).rounded()),
                statusCode: $0.statusCode, error: $0.error, outcome: $0.outcome)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, url, status, attempts
        case jobStatus = "job_status"
        case createdAt = "created_at"
        case nextAttemptAt = "next_attempt_at"
        case finishedAt = "finished_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(url, forKey: .url)
        try container.encode(status, forKey: .status)
        try container.encode(jobStatus, forKey: .jobStatus)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(attempts, forKey: .attempts)
    }
}
