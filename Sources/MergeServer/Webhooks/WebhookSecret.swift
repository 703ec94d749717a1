import Crypto
import Foundation

/// A webhook signing secret as Standard Webhooks writes one: `whsec_` and the base64 of
/// 32 random bytes, which are the HMAC key. Every API key has one, shown once (when the
/// key is made or the secret rotated); jobs made while the server had no keys are signed
/// with the server's own, `webhook-secret` in the data directory (mode 0600).
///
/// It is kept readable in the database, unlike the API key itself: the server must sign
/// with it, so a hash would not do. Whoever reads the database can forge deliveries, as
/// whoever holds the secret can.
public enum WebhookSecret {
    static let marker = "whsec_"
    static let byteCount = 32
    static let serverFileName = "webhook-secret"
    /// After a rotation the previous secret signs too (a second `v1,` signature) this long,
    /// so a receiver can switch to the new one without refusing a delivery.
    public static let rotationOverlapSeconds = 24 * 3600.0

    /// A new random secret.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return marker + Data(bytes).base64EncodedString()
    }

    /// The server's secret (for jobs without an owner key), made on first use.
    public static func server(dataDirectory: String) throws(ConfigurationError) -> String {
        let path = (dataDirectory as NSString).appendingPathComponent(serverFileName)
        let secret = try SecretFile.readOrCreate(path, what: "webhook secret", make: make)
        guard key(secret) != nil else {
            throw ConfigurationError("\(path) is not a webhook secret (whsec_ and base64); remove it to make a new one")
        }
        return secret
    }

    /// The HMAC key a secret holds; nil when the text is not a secret.
    static func key(_ secret: String) -> SymmetricKey? {
        guard secret.hasPrefix(marker), let bytes = Data(base64Encoded: String(secret.dropFirst(marker.count))), bytes.count >= 24
        else { return nil }
        return SymmetricKey(data: bytes)
    }

    /// The `webhook-signature` header: `v1,` and the base64 HMAC-SHA256 of
    /// `id.timestamp.body` under each secret, separated by spaces (a receiver accepts the
    /// delivery when any one verifies). Texts that are not secrets are skipped.
    static func signature(id: String, timestamp: Int, body: Data, secrets: [String]) -> String {
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        return secrets.compactMap(key).map { key in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: key)).base64EncodedString()
        }.joined(separator: " ")
    }
}
