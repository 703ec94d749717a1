import HTTPTypes
import Hummingbird

/// `GET|HEAD /` (the studio's page) and `GET|HEAD /studio/{file}` (its styles and
/// modules). The page calls the public API like any client, with the visitor's key.
struct StudioController {
    var routes: RouteCollection<ServerContext> {
        let router = RouteCollection(context: ServerContext.self)
        router.get("/", use: page)
        router.head("/", use: page)
        router.get("/studio/{file}", use: file)
        router.head("/studio/{file}", use: file)
        return router
    }

    /// Scripts and styles only from this server and never inline; media and API calls
    /// only to it; no frames, plugins or foreign form targets.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    @Sendable func page(_ request: Request, context: ServerContext) async throws -> Response {
        try respond(name: "index.html", request: request)
    }

    @Sendable func file(_ request: Request, context: ServerContext) async throws -> Response {
        try respond(name: try context.parameters.require("file"), request: request)
    }

    func respond(name: String, request: Request) throws -> Response {
        guard let file = StudioFiles.files[name], name != "index.html" || request.uri.path == "/" else {
            throw Problem(
                .notFound, type: "not_found", detail: "the studio has no file \(String(name.prefix(80)).debugDescription)",
                suggestion: "open the studio at /")
        }
        var headers: HTTPFields = [
            .contentType: file.contentType, .eTag: file.etag, .cacheControl: "no-cache",
            .contentSecurityPolicy: Self.contentSecurityPolicy, .xContentTypeOptions: "nosniff",
            .referrerPolicy: "no-referrer", .xFrameOptions: "DENY",
        ]
        if let noneMatch = request.headers[.ifNoneMatch],
            noneMatch.split(separator: ",").contains(where: { $0.trimmingSpaces == file.etag || $0.trimmingSpaces == "*" })
        {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(file.bytes.count)
        let body = request.method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes))
        return Response(status: .ok, headers: headers, body: body)
    }
}
