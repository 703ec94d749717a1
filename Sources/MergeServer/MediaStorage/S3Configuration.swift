import Foundation

/// How to reach a bucket: the credentials, the region and, for an S3-compatible server,
/// its endpoint. Read from the usual AWS variables (`AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` / `AWS_DEFAULT_REGION`,
/// `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`), each of which a flag may override.
public struct S3Configuration: Sendable {
    public struct Credentials: Sendable {
        public var accessKeyID: String
        public var secretAccessKey: String
        /// Temporary credentials (STS) carry one; sent as `X-Amz-Security-Token`.
        public var sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    public var location: S3Location
    public var credentials: Credentials
    public var region: String
    /// `scheme://host[:port]` of an S3-compatible server (path-style URLs); nil for AWS
    /// itself (virtual-host URLs, `https://BUCKET.s3.REGION.amazonaws.com`).
    public var endpoint: String?
    /// The longest a request may take, and the longest to connect.
    public var requestTimeout: Duration = .seconds(600)
    public var connectTimeout: Duration = .seconds(10)

    public static let defaultRegion = "us-east-1"

    public init(
        location: S3Location, credentials: Credentials, region: String = defaultRegion, endpoint: String? = nil
    )
        throws(ConfigurationError)
    {
        self.location = location
        self.credentials = credentials
        self.region = try Self.checkedRegion(region)
        self.endpoint = try endpoint.map { (text) throws(ConfigurationError) in try Self.checkedEndpoint(text) }
    }

    /// The configuration for `location` from `environment`; a non-nil argument wins over
    /// its variable.
    public static func fromEnvironment(
        _ environment: [String: String], location: S3Location, accessKeyID: String? = nil, secretAccessKey: String? = nil,
        sessionToken: String? = nil, region: String? = nil, endpoint: String? = nil
    ) throws(ConfigurationError) -> S3Configuration {
        func value(_ names: String...) -> String? {
            for name in names {
                if let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty { return text }
            }
            return nil
        }
        guard let key = accessKeyID ?? value("AWS_ACCESS_KEY_ID"), let secret = secretAccessKey ?? value("AWS_SECRET_ACCESS_KEY")
        else {
            throw ConfigurationError(
                "The storage \(location) needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                    + "(or --s3-access-key-id and --s3-secret-access-key).")
        }
        return try S3Configuration(
            location: location,
            credentials: Credentials(
                accessKeyID: key, secretAccessKey: secret, sessionToken: sessionToken ?? value("AWS_SESSION_TOKEN")),
            region: region ?? value("AWS_REGION", "AWS_DEFAULT_REGION") ?? defaultRegion,
            endpoint: endpoint ?? value("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"))
    }

    /// The URL of an object (percent-encoded per SigV4), and the host it names.
    func objectURL(_ objectKey: String) -> String {
        let path = S3Encoding.path(objectKey)
        if let endpoint { return "\(endpoint)/\(location.bucket)/\(path)" }
        // Dotted names cannot be virtual hosts under TLS (the wildcard certificate covers one label).
        if location.bucket.contains(".") { return "https://s3.\(region).amazonaws.com/\(location.bucket)/\(path)" }
        return "https://\(location.bucket).s3.\(region).amazonaws.com/\(path)"
    }

    /// The bucket's own URL (for bucket-level requests such as ListMultipartUploads).
    func bucketURL() -> String {
        if let endpoint { return "\(endpoint)/\(location.bucket)/" }
        if location.bucket.contains(".") { return "https://s3.\(region).amazonaws.com/\(location.bucket)/" }
        return "https://\(location.bucket).s3.\(region).amazonaws.com/"
    }

    private static func checkedRegion(_ region: String) throws(ConfigurationError) -> String {
        guard !region.isEmpty, region.count <= 64, region.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 45 })
        else {
            throw ConfigurationError(
                "The region \(region.debugDescription) is not valid: use a region name such as us-east-1 (AWS_REGION).")
        }
        return region
    }

    private static func checkedEndpoint(_ text: String) throws(ConfigurationError) -> String {
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.path.isEmpty, components.query == nil, components.fragment == nil, components.user == nil
        else {
            throw ConfigurationError(
                "The S3 endpoint \(text.debugDescription) is not valid: use http(s)://HOST[:PORT] with no path "
                    + "(AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL).")
        }
        return trimmed
    }
}
