import Hummingbird
import Logging

/// Per-request data: Hummingbird's core storage and the request id (the client's
/// `X-Request-Id` when it sent a usable one, else a new one), the API key that
/// authenticated it (nil on open routes and when the server has no keys), how its media
/// links are signed, and how much of `/health` it is shown.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String?
    public var apiKey: APIKeyRecord?
    /// Signs the media links of answers for `apiKey` (nil: links stay plain paths).
    var links: SignedLinks?
    var operatorAccess = OperatorAccess.statusOnly

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
