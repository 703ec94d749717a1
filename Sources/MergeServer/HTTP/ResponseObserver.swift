import Hummingbird

/// A middleware that hands every response to a function before it is sent, which may
/// inspect it (and must return it). The tests use one to check responses against the
/// OpenAPI spec; the server itself adds none.
public struct ResponseObserver: RouterMiddleware {
    public typealias Context = ServerContext
    let observe: @Sendable (Request, Response) async throws -> Response

    public init(_ observe: @escaping @Sendable (Request, Response) async throws -> Response) {
        self.observe = observe
    }

    public func handle(
        _ request: Request, context: ServerContext,
        next: (Request, ServerContext) async throws -> Response
    ) async throws -> Response {
        try await observe(request, try await next(request, context))
    }
}
