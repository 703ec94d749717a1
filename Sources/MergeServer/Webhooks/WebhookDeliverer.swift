import Foundation
import Generation
import Logging
import Media
import ServiceLifecycle
import Synchronization

/// How webhook deliveries are sent and retried.
public struct WebhookSettings: Sendable {
    /// The first retry waits up to this long; each next one up to twice as long as the one
    /// before (capped at `maxRetryDelaySeconds`), the wait drawn at random below that
    /// ceiling ("full jitter", so receivers that come back are not hit all at once).
    public var retryBaseSeconds = 5.0
    public var maxRetryDelaySeconds = 3600.0
    /// Retries stop this long after the first attempt; the delivery then failed for good.
    public var retryWindowSeconds = 24 * 3600.0
    /// One attempt, connection included; past it the attempt failed (and is retried).
    public var timeoutSeconds = 15.0
    /// Attempts under way at once.
    public var concurrency = 16
    /// How often the outbox is looked at for due deliveries.
    public var pollSeconds = 1.0

    /// At most this much of a receiver's answer is read; a larger one is an error (retried).
    static let responseLimit: Int64 = 64 << 10

    public init() {}

    /// When to try again after the `attempts`-th attempt failed at `now`, or nil when the
    /// retry window (from `firstAttemptAt`) is over. The last retry is at the window's end.
    func nextAttempt(after attempts: Int, now: Double, firstAttemptAt: Double) -> Double? {
        let deadline = firstAttemptAt + retryWindowSeconds
        guard now < deadline else { return nil }
        let ceiling = min(max(maxRetryDelaySeconds, retryBaseSeconds), retryBaseSeconds * pow(2, Double(min(max(attempts - 1, 0), 40))))
        return min(now + Double.random(in: 0...ceiling), deadline)
    }
}

/// Sends the webhook outbox: every due delivery is POSTed to its job's `callback_url`
/// with the job resource as it ended, signed per Standard Webhooks (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature`). A 2xx answer delivers it; 5xx, 408, 429,
/// timeouts and connection failures are retried with exponential backoff and full jitter
/// for up to `retryWindowSeconds`; any other answer (3xx included: redirects are not
/// followed) and an address the policy refuses fail it for good. Every attempt is
/// recorded (`GET /api/jobs/{id}/deliveries`).
///
/// Deliveries live in the database, so a restart picks up what was pending; one cut off
/// by a shutdown is given back due at once, one cut off by a crash comes due again when
/// its hold runs out (`timeoutSeconds` + 10 s). At most `concurrency` attempts run at once.
public final class WebhookDeliverer: Service, Sendable {
    let deliveries: WebhookRepository
    /// Must be the guarded client (an `AddressPolicy`): callback URLs are callers'.
    let client: any HTTPClient
    let keys: APIKeyRepository
    /// Signs the deliveries of jobs that have no owner key.
    let serverSecret: String
    let settings: WebhookSettings
    let logger: Logger

    private let stopping = Atomic<Bool>(false)
    private let inFlight = Mutex(0)
    private let wake = WakeSignal()

    init(
        deliveries: WebhookRepository, client: any HTTPClient, keys: APIKeyRepository, serverSecret: String, settings: WebhookSettings,
        logger: Logger
    ) {
        self.deliveries = deliveries
        self.client = client
        self.keys = keys
        self.serverSecret = serverSecret
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                while !stopping.load(ordering: .relaxed) {
                    while !stopping.load(ordering: .relaxed), inFlight.withLock({ $0 < settings.concurrency }),
                        let delivery = await claim()
                    {
                        inFlight.withLock { $0 += 1 }
                        group.addTask {
                            await self.attempt(delivery)
                            self.inFlight.withLock { $0 -= 1 }
                            self.wake.wakeAll()
                        }
                    }
                    await wake.wait(upTo: .milliseconds(Int64(settings.pollSeconds * 1000)))
                }
                // Attempts under way are cut off and given back (see `attempt`).
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
            self.wake.wakeAll()
        }
    }

    private func claim() async -> WebhookDelivery? {
        let now = Date().timeIntervalSince1970
        do {
            return try await deliveries.claim(now: now, holdUntil: now + settings.timeoutSeconds + 10)
        } catch {
            logger.error("could not read the webhook outbox", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// One attempt at `delivery`, recorded with what it led to.
    private func attempt(_ delivery: WebhookDelivery) async {
        let started = Date().timeIntervalSince1970
        let clock = ContinuousClock.now
        var statusCode: Int?
        var error: String?
        var outcome: WebhookAttemptOutcome
        do {
            let response = try await client.send(request(for: delivery, at: started), limit: WebhookSettings.responseLimit)
            statusCode = response.status
            outcome =
                switch response.status {
                case 200..<300: .delivered
                case 408, 429, 500..<600: .retry
                default: .failed
                }
            if outcome == .failed {
                error = "the receiver answered \(response.status), which is not retried; answer 2xx to accept a delivery"
            }
        } catch is CancellationError {
            // A shutdown: not an attempt. Given back, due at once, for the next start.
            try? deliveries.release(delivery.id)
            return
        } catch let failure as HTTPClientError {
            error = String(failure.description.prefix(500))
            outcome = failure.kind == .refusedAddress || failure.kind == .invalidRequest ? .failed : .retry
        } catch let failure as UnsignableDelivery {
            error = failure.message
            outcome = .failed
        } catch let other {
            error = String("\(other)".prefix(500))
            outcome = .retry
        }
        let seconds = (ContinuousClock.now - clock).seconds
        let number = delivery.attempts + 1
        let firstAttemptAt = delivery.firstAttemptAt ?? started
        var next: Double?
        if outcome == .retry {
            next = settings.nextAttempt(after: number, now: started + seconds, firstAttemptAt: firstAttemptAt)
            if next == nil {
                outcome = .failed
                error = [error, "retried for \(Self.hours(settings.retryWindowSeconds)), giving up"].compactMap { $0 }.joined(separator: "; ")
            }
        }
        let attempt = WebhookAttempt(
            number: number, at: started, durationSeconds: seconds, statusCode: statusCode, error: error, outcome: outcome)
        do {
            try await deliveries.record(attempt, of: delivery, nextAttemptAt: next)
        } catch {
            // Unrecorded, it comes due again when its hold runs out: at least once, never lost.
            logger.error("could not record a webhook attempt", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
        if outcome == .failed {
            logger.warning(
                "webhook delivery failed for good",
                metadata: ["job_id": "\(delivery.jobID)", "delivery": "\(delivery.id)", "attempts": "\(number)", "error": "\(error ?? "")"])
        }
    }

    /// The signed POST of one attempt.
    private func request(for delivery: WebhookDelivery, at time: Double) throws -> HTTPRequest {
        let secrets: [String]
        if let owner = delivery.ownerKeyID {
            secrets = try keys.webhookSecrets(id: owner, now: time)
            guard !secrets.isEmpty else { throw UnsignableDelivery(message: "the key \(owner) has no webhook secret to sign with") }
        } else {
            secrets = [serverSecret]
        }
        let body = Data(delivery.body.utf8)
        let timestamp = Int(time)
        let timeout = Duration.milliseconds(Int64(settings.timeoutSeconds * 1000))
        return HTTPRequest(
            .post, delivery.url,
            headers: [
                ("webhook-id", delivery.id),
                ("webhook-timestamp", String(timestamp)),
                ("webhook-signature", WebhookSecret.signature(id: delivery.id, timestamp: timestamp, body: body, secrets: secrets)),
            ],
            body: .bytes(body, contentType: "application/json"), connectTimeout: min(timeout, .seconds(10)), timeout: timeout,
            followRedirects: false)
    }

    private static func hours(_ seconds: Double) -> String {
        seconds >= 3600 ? "\(String(format: "%g", seconds / 3600)) h" : "\(String(format: "%g", seconds)) s"
    }
}

/// The delivery's signing secret is missing (a key row without one).
struct UnsignableDelivery: Error {
    let message: String
}
