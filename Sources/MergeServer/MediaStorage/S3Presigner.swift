import Crypto
import Foundation

/// Presigned GET URLs (SigV4 in the query string): anyone holding one may read that one
/// object until it expires, with no credentials of their own — how `video_url` and
/// `content_url` can send a browser straight to the bucket.
public struct S3Presigner: Sendable {
    public let configuration: S3Configuration

    /// S3 refuses presigned URLs valid for longer than seven days.
    public static let maximumExpiry = 604_800

    public init(configuration: S3Configuration) {
        self.configuration = configuration
    }

    /// A URL that GETs `key` (relative to the location's prefix) for `expiresIn` seconds
    /// from `now`.
    public func presignedGET(key: String, expiresIn seconds: Int, now: Date = Date()) throws(ConfigurationError) -> String {
        guard (1...Self.maximumExpiry).contains(seconds) else {
            throw ConfigurationError("A presigned URL's expiry must be 1…\(Self.maximumExpiry) seconds, not \(seconds).")
        }
        let url = configuration.objectURL(configuration.location.objectKey(key))
        guard let components = URLComponents(string: url), let name = components.host else {
            throw ConfigurationError("Could not form a URL for the key \(key.debugDescription).")
        }
        let host = components.port.map { "\(name):\($0)" } ?? name
        return sign(scheme: components.scheme ?? "https", host: host, path: components.percentEncodedPath, expiresIn: seconds, now: now)
    }

    /// The presigned GET of an already encoded `path` on `host` (`name[:port]`).
    func sign(scheme: String, host: String, path: String, expiresIn seconds: Int, now: Date) -> String {
        let (stamp, day) = Self.timestamps(now)
        let region = configuration.region
        let scope = "\(day)/\(region)/s3/aws4_request"
        let credentials = configuration.credentials
        var query: [(String, String)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
            ("X-Amz-Date", stamp),
            ("X-Amz-Expires", String(seconds)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        let canonicalQuery = S3Encoding.query(query)
        let canonicalRequest = ["GET", path, canonicalQuery, "host:\(host)\n", "host", "UNSIGNED-PAYLOAD"].joined(separator: "\n")
        let stringToSign = ["AWS4-HMAC-SHA256", stamp, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))]
            .joined(separator: "\n")

        var signingKey = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, "s3", "aws4_request"] {
            signingKey = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: signingKey)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey))
        return "\(scheme)://\(host)\(path)?\(canonicalQuery)&X-Amz-Signature=\(signature)"
    }

    /// `yyyyMMdd'T'HHmmss'Z'` and `yyyyMMdd`, in UTC.
    private static func timestamps(_ date: Date) -> (String, String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        return (day + String(format: "T%02d%02d%02dZ", c.hour ?? 0, c.minute ?? 0, c.second ?? 0), day)
    }

    private static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
