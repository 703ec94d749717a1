import Crypto
import Foundation
import Media

/// Signed, expiring URLs for what a browser loads without headers: a video
/// (`/api/mv/get_video/{id}`), an asset's bytes (`/api/assets/{id}/content`) and a job's
/// event stream (`/api/jobs/{id}/events`), for `<video>` and `EventSource`.
///
/// `PATH?exp=UNIX_SECONDS&kid=KEY_ID&sig=SIGNATURE`, where the signature is the unpadded
/// base64url HMAC-SHA256, under the current secret, of `GET\nPATH\nEXP\nKID`. The key id
/// binds the link to the key it was made for: it opens only what that key may see, and
/// stops working when the key is revoked. HEAD is answered under the GET signature.
public struct MediaURLSigner: Sendable {
    let secrets: URLSigningSecrets
    /// How long a new link stays valid, in seconds.
    public let lifetimeSeconds: Int

    public init(secrets: URLSigningSecrets, lifetimeSeconds: Int) {
        self.secrets = secrets
        self.lifetimeSeconds = lifetimeSeconds
    }

    /// The query parameters of a signed URL.
    static let parameterNames = ["exp", "kid", "sig"]

    /// True for the paths a signed URL may open: exactly one of the three media paths, with a well-formed id.
    static func isSignable(_ path: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        // A video's extra file: /api/mv/get_video/{id}/files/{name}.
        if segments.count == 6, segments[0] == "api", segments[1] == "mv", segments[2] == "get_video", segments[4] == "files" {
            return Identifier.isValid(segments[3], .video) && ExtraFile.names.contains(segments[5])
        }
        guard segments.count == 4, segments[0] == "api" else { return false }
        if segments[1] == "mv", segments[2] == "get_video" { return Identifier.isValid(segments[3], .video) }
        if segments[1] == "assets", segments[3] == "content" { return Identifier.isValid(segments[2], .asset) }
        if segments[1] == "jobs", segments[3] == "events" { return Identifier.isValid(segments[2], .job) }
        return false
    }

    /// `path` signed for the key `keyID`, valid for `lifetimeSeconds` from `now`.
    func sign(_ path: String, keyID: String, now: Double = Date().timeIntervalSince1970) -> String {
        let expiry = Int64(now.rounded(.down)) + Int64(lifetimeSeconds)
        return "\(path)?exp=\(expiry)&kid=\(keyID)&sig=\(Self.signature(path: path, expiry: expiry, keyID: keyID, secret: secrets.current))"
    }

    /// Why a signed URL is refused: `type` is the problem's token.
    struct Refusal: Error, Equatable {
        let type: String
        let detail: String
    }

    /// The key id a signed GET (or HEAD) of `path` was made for, once its parameters
    /// parse, its signature matches under the current or the previous secret, and it has
    /// not expired; a `Refusal` otherwise.
    func verify(
        path: String, expiry exp: String?, keyID kid: String?, signature sig: String?, now: Double = Date().timeIntervalSince1970
    ) throws -> String {
        guard Self.isSignable(path) else {
            throw Refusal(
                type: "bad_signature",
                detail: "only videos, asset contents and job event streams open with a signed URL; this path needs an API key")
        }
        guard let exp, let kid, let sig else {
            let missing = zip(Self.parameterNames, [exp, kid, sig]).filter { $0.1 == nil }.map(\.0)
            throw Refusal(type: "bad_signature", detail: "the signed URL lacks \(missing.joined(separator: ", "))")
        }
        guard exp.utf8.count <= 12, exp.utf8.allSatisfy({ (48...57).contains($0) }), let expiry = Int64(exp) else {
            throw Refusal(type: "bad_signature", detail: "exp must be the expiry in whole seconds since 1970")
        }
        guard Identifier.isValid(kid, .apiKey) else { throw Refusal(type: "bad_signature", detail: "kid is not a key id") }
        let candidates = [secrets.current] + (secrets.previous.map { [$0] } ?? [])
        let matches = candidates.contains { APIKeySecret.constantTimeEquals(Self.signature(path: path, expiry: expiry, keyID: kid, secret: $0), sig) }
        guard matches else {
            throw Refusal(type: "bad_signature", detail: "the signature does not match this URL (altered, or signed with a secret since retired)")
        }
        guard now <= Double(expiry) else {
            throw Refusal(type: "signature_expired", detail: "the signed URL expired at \(Timestamp.iso8601(Double(expiry)))")
        }
        return kid
    }

    /// Unpadded base64url of HMAC-SHA256(`GET\nPATH\nEXP\nKID`).
    static func signature(path: String, expiry: Int64, keyID: String, secret: Data) -> String {
        let message = Data("GET\n\(path)\n\(expiry)\n\(keyID)".utf8)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return base64URL(Array(code))
    }

    /// Unpadded base64url (RFC 4648 §5), written out: Foundation's base64 and three
    /// replacements cost more than the HMAC, on every answer that carries a link.
    static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<(chunk.count + 1) { text.append(alphabet[Int((value >> (18 - 6 * position)) & 63)]) }
            index += 3
        }
        return String(decoding: text, as: UTF8.self)
    }
}
