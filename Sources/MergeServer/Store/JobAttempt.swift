import Foundation
import Generation

/// One attempt at a job: the job and the token its claim wrote in the row. Every write
/// the attempt makes (lease, progress, checkpoints, costs, its end) is conditioned on
/// the token, so an attempt that stalled past its lease and was claimed again — by
/// another process or after a restart — can no longer change anything.
public struct JobAttempt: Sendable, Hashable {
    public let job: String
    public let token: String
    /// The key the job belongs to: what the attempt stores (generated files, fetched
    /// sources) is that key's.
    public let owner: String?

    public init(job: String, token: String, owner: String? = nil) {
        self.job = job
        self.token = token
        self.owner = owner
    }

    /// A new unguessable token (128 bits).
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return SHA256Hex.hex((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Throws `LeaseLost` unless this attempt still owns its running job; call inside the
    /// write transaction that it guards, so the check and the write are one.
    func requireOwnership(_ db: any SQLConnection) throws {
        let owned =
            try db.fetchValue(
                Bool.self, "SELECT 1 FROM jobs WHERE id = ? AND attempt_token = ? AND status = 'running'",
                [job, token]) ?? false
        guard owned else { throw LeaseLost(job: job) }
    }
}

/// A write of an attempt that no longer owns its job: its lease ran out and the job was
/// claimed again (or it ended). The attempt must stop; nothing it does counts any more.
public struct LeaseLost: Error, Sendable, Equatable, CustomStringConvertible {
    public let job: String
    public var description: String { "job \(job): this attempt lost its lease; another attempt owns the job now" }
}
