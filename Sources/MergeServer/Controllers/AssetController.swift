import Foundation
import Generation
import HTTPTypes
import Hummingbird

/// `POST /api/uploads`, `GET|DELETE /api/assets/{id}`, `GET|HEAD /api/assets/{id}/content`.
struct AssetController {
    let assets: AssetRepository
    let store: AssetStore
    let maxUploadBytes: Int64

    /// The controller's routes, added to the router as one collection.
    var routes: RouteCollection<ServerContext> {
        let router = RouteCollection(context: ServerContext.self)
        router.post("/api/uploads", use: upload)
        router.get("/api/assets/{id}", use: show)
        router.delete("/api/assets/{id}", use: delete)
        router.get("/api/assets/{id}/content", use: content)
        router.head("/api/assets/{id}/content", use: content)
        return router
    }

    /// Media types an upload may declare; multipart/form-data carries its own.
    static func isMediaType(_ type: String) -> Bool {
        let base = type.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? ""
        return base.hasPrefix("video/") || base.hasPrefix("audio/") || base.hasPrefix("image/")
            || ["application/octet-stream", "application/mp4", "application/ogg"].contains(base)
            // Caption files (what browsers and curl call .srt and .vtt).
            || ["text/vtt", "text/srt", "application/x-subrip"].contains(base)
    }

    @Sendable func upload(_ request: Request, context: ServerContext) async throws -> Response {
        let contentType = request.headers[.contentType] ?? ""
        if let declared = request.headers[.contentLength].flatMap(Int64.init), declared > maxUploadBytes {
            throw Problem(
                .contentTooLarge, type: "upload_too_large",
                detail: "the upload (\(declared) bytes) exceeds the limit of \(maxUploadBytes) bytes",
                suggestion: "upload a smaller file, or raise MERGE_SERVER_MAX_UPLOAD_BYTES")
        }
        let filename = request.uri.queryParameters.get("filename")
        let received: (asset: AssetRecord, created: Bool)
        if let boundary = MultipartParser.boundary(fromContentType: contentType) {
            received = try await store.receive(limit: maxUploadBytes, contentType: nil, filename: filename, owner: context.apiKey?.id) { writer in
                try await Self.readMultipart(request.body, boundary: boundary, limit: maxUploadBytes, into: &writer)
            }
        } else if Self.isMediaType(contentType) {
            received = try await store.receive(
                limit: maxUploadBytes, contentType: contentType, filename: filename, owner: context.apiKey?.id
            ) { writer in
                for try await chunk in request.body { try await writer.write(chunk) }
                return UploadDetails()
            }
        } else {
            throw Problem(
                .unsupportedMediaType, type: "unsupported_media_type",
                detail: contentType.isEmpty
                    ? "the upload has no Content-Type"
                    : "\(String(contentType.prefix(80)).debugDescription) is not a media type",
                suggestion:
                    "send the file's bytes with its media type (video/mp4, audio/mpeg, image/png, text/vtt, application/octet-stream) or as multipart/form-data"
            )
        }
        return try JSONResponse.make(
            AssetResource(received.asset, links: context.links), status: received.created ? .created : .ok,
            headers: [.location: "/api/assets/\(received.asset.id)"])
    }

    /// Room for a multipart body's boundaries and part headers beyond the file itself.
    static let multipartFraming: Int64 = 64 << 10

    /// Streams the first file part of a multipart body into `writer`; other parts are
    /// skipped, but their bytes count against `limit` too (else a body of endless
    /// non-file parts would be read forever), with `multipartFraming` to spare.
    private static func readMultipart(
        _ body: RequestBody, boundary: String, limit: Int64,
        into writer: inout UploadWriter
    ) async throws -> UploadDetails {
        var parser = MultipartParser(boundary: boundary)
        var details: UploadDetails?
        var inFile = false
        var fileDone = false
        var bodyBytes: Int64 = 0
        do {
            for try await chunk in body {
                bodyBytes += Int64(chunk.readableBytes)
                if bodyBytes > limit + Self.multipartFraming {
                    throw Problem(
                        .contentTooLarge, type: "upload_too_large",
                        detail: "the multipart body exceeds the upload limit of \(limit) bytes",
                        suggestion: "send only the file part, or raise MERGE_SERVER_MAX_UPLOAD_BYTES")
                }
                for event in try parser.feed(chunk.readableBytesView) {
                    switch event {
                    case .headers(let headers):
                        let disposition = headers["content-disposition"] ?? ""
                        let filename = MultipartParser.dispositionParameter("filename", in: disposition)
                        let name = MultipartParser.dispositionParameter("name", in: disposition)
                        inFile = !fileDone && (filename != nil || name == "file")
                        if inFile { details = UploadDetails(contentType: headers["content-type"], filename: filename) }
                    case .data(let bytes):
                        if inFile { try await writer.write(bytes) }
                    case .partEnd:
                        if inFile {
                            fileDone = true
                            inFile = false
                        }
                    case .end:
                        break
                    }
                }
            }
            try parser.finish()
        } catch let failure as MultipartParser.Failure {
            throw Problem.badRequest("the multipart body is malformed: \(failure.message)", type: "malformed_multipart")
        }
        guard let details, fileDone else {
            throw Problem(
                .unprocessableContent, type: "no_file_part", detail: "the multipart body has no file part",
                suggestion: "send the file in a part with a filename (curl -F file=@clip.mp4)")
        }
        return details
    }

    @Sendable func show(_ request: Request, context: ServerContext) async throws -> Response {
        try JSONResponse.make(AssetResource(try await asset(context), links: context.links))
    }

    /// Deletes the caller's asset (204), freeing its storage; 409 while a job that has
    /// yet to end names it. The file goes with the last row that names it.
    @Sendable func delete(_ request: Request, context: ServerContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard Identifier.isValid(id, .asset) else { throw Problem.notFound("asset", id: id, kind: .asset) }
        switch try await assets.visible(to: context.visibility).delete(id) {
        case .notFound:
            throw Problem.notFound("asset", id: id, kind: .asset)
        case .inUse(let job):
            throw Problem.conflict(
                "asset \(id) is named by job \(job), which has not ended", type: "asset_in_use",
                suggestion: "wait for the job to end, or cancel it (DELETE /api/jobs/\(job)), then delete the asset")
        case .deleted(let freedFile):
            if let freedFile { await store.media.remove(key: freedFile) }
            return Response(status: .noContent)
        }
    }

    @Sendable func content(_ request: Request, context: ServerContext) async throws -> Response {
        let asset = try await asset(context)
        let path = store.path(of: asset)
        return try await StoredMediaResponder.respond(
            store.media, key: asset.path, localPath: path, contentType: FileResponder.contentType(forPath: path),
            request: request, context: context)
    }

    private func asset(_ context: ServerContext) async throws -> AssetRecord {
        let id = try context.parameters.require("id")
        guard Identifier.isValid(id, .asset), let asset = try await assets.visible(to: context.visibility).find(id) else {
            throw Problem.notFound("asset", id: id, kind: .asset)
        }
        return asset
    }
}

/// An asset as the API shows it.
struct AssetResource: Encodable {
    let id: String
    let kind: AssetKind
    let sha256: String
    let sizeBytes: Int64
    let contentType: String?
    let filename: String?
    let media: JSONValue?
    let createdAt: String
    let contentURL: String

    enum CodingKeys: String, CodingKey {
        case id, kind, sha256
        case sizeBytes = "size_bytes"
        case contentType = "content_type"
        case filename, media
        case createdAt = "created_at"
        case contentURL = "content_url"
    }

    /// `links`: the content URL signed for the key that asked.
    init(_ asset: AssetRecord, links: SignedLinks?) {
        id = asset.id
        kind = asset.kind
        sha256 = asset.sha256
        sizeBytes = asset.sizeBytes
        contentType = asset.contentType
        filename = asset.filename
        media = JSONValue(text: asset.media).map { Self.ownPath($0, asset) }
        createdAt = Timestamp.iso8601(asset.createdAt)
        contentURL = links.sign("/api/assets/\(asset.id)/content")
    }

    /// The probe's `path` names the file as if the asset had its own: a file shared with
    /// another key's asset is named after that asset, which must not show.
    static func ownPath(_ media: JSONValue, _ asset: AssetRecord) -> JSONValue {
        guard case .object(var fields) = media else { return media }
        let ext = (asset.path as NSString).pathExtension
        fields["path"] = .string("assets/\(asset.id)" + (ext.isEmpty ? "" : ".\(ext)"))
        return .object(fields)
    }
}
