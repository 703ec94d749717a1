import Foundation
import Generation

/// The ids the API hands out: a kind prefix and lowercase hex (`job_3f…`, `ast_9a…`,
/// `vid_3f…`, `key_0c…`, `msg_5e…` for a webhook delivery). Anything else given as an id is refused before it reaches a query or a path.
public enum Identifier {
    public enum Kind: String, Sendable {
        case job, asset = "ast", video = "vid", apiKey = "key"
        /// A webhook delivery: its `webhook-id`.
        case webhookMessage = "msg"
    }

    /// Hex digits after the prefix.
    static let hexLength = 24

    /// A new random id (96 bits). Asset ids too: an id tells nothing of the content (its
    /// hash stays internal, for deduplication).
    public static func make(_ kind: Kind) -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = SHA256Hex.hex((0..<hexLength / 2).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return "\(kind.rawValue)_\(hex)"
    }

    /// The video a job renders: one per job, so a job run again writes the same video.
    public static func video(forJob job: String) -> String {
        "\(Kind.video.rawValue)_\(job.dropFirst(Kind.job.rawValue.count + 1))"
    }

    public static func isValid(_ id: String, _ kind: Kind) -> Bool {
        let prefix = kind.rawValue + "_"
        guard id.utf8.count == prefix.utf8.count + hexLength, id.hasPrefix(prefix) else { return false }
        return id.utf8.dropFirst(prefix.utf8.count).allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
