import Foundation
import Generation

/// Signs the media links of one answer for the key that asked (`MediaURLSigner`): set on
/// the request by `APIKeyMiddleware` when the key may read, nil when the server has no
/// keys (its links open without one anyway). Links are signed as the answer is made and
/// never stored: a job's stored result keeps its plain paths.
struct SignedLinks: Sendable {
    let signer: MediaURLSigner
    let keyID: String

    /// The JSON fields that carry a link a browser may load.
    static let fields: Set<String> = ["video_url", "content_url", "events_url", "url"]

    /// `path` signed when it is a media path without a query; anything else as it is.
    func sign(_ path: String) -> String {
        guard !path.contains("?"), MediaURLSigner.isSignable(path) else { return path }
        return signer.sign(path, keyID: keyID)
    }

    /// `value` with every link field, at any depth, signed.
    func apply(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let fields):
            var signed: [String: JSONValue] = [:]
            for (name, field) in fields {
                if Self.fields.contains(name), case .string(let path) = field {
                    signed[name] = .string(sign(path))
                } else {
                    signed[name] = apply(field)
                }
            }
            return .object(signed)
        case .array(let items):
            return .array(items.map(apply))
        default:
            return value
        }
    }
}

extension SignedLinks? {
    /// `path` signed, or as it is when the answer is not signed.
    func sign(_ path: String) -> String { self?.sign(path) ?? path }
}
