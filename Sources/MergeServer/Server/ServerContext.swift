import Hummingbird
import Logging

/// Per-request data: Hummingbird's core storage and the request id (the client's
/// `X-Request-Id` when it sent a usable one, else a new one).
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
