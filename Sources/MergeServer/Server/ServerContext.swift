import Hummingbird
import Logging

/// Per-request data: Hummingbird's core storage and the request id (the client's
/// `X-Request-Id` when it sent a usable one, else a new one), and the API key that
/// authenticated it (nil on open routes and when the server has no keys).
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String?
    public var apiKey: APIKeyRecord?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
