import Foundation
import Hummingbird
import Media

/// `GET|HEAD /api/mv/get_video/{id}` (the file, with ranges), `/info`, and `/files/{name}`
/// (the extra files made with it: poster, sprite, preview, mp3).
struct VideoController {
    let jobs: JobRepository
    /// Where the files are (the data directory unless a bucket is configured).
    let media: MediaLibrary

    /// The controller's routes, added to the router as one collection.
    var routes: RouteCollection<ServerContext> {
        let router = RouteCollection(context: ServerContext.self)
        router.get("/api/mv/get_video/{id}", use: video)
        router.head("/api/mv/get_video/{id}", use: video)
        router.get("/api/mv/get_video/{id}/info", use: info)
        router.get("/api/mv/get_video/{id}/files/{name}", use: file)
        router.head("/api/mv/get_video/{id}/files/{name}", use: file)
        return router
    }

    @Sendable func video(_ request: Request, context: ServerContext) async throws -> Response {
        let video = try await find(context)
        return try await StoredMediaResponder.respond(
            media, key: MediaLibrary.videoKey(path: video.path), localPath: video.path,
            contentType: FileResponder.contentType(forPath: video.path), request: request, context: context)
    }

    @Sendable func file(_ request: Request, context: ServerContext) async throws -> Response {
        let video = try await find(context)
        let name = try context.parameters.require("name")
        let path = VideoExtraFiles.path(name, besideVideo: video.path)
        guard ExtraFile.names.contains(name), !media.isLocal || FileManager.default.fileExists(atPath: path) else {
            let shown = name.count > 64 ? String(name.prefix(64)) + "…" : name
            throw Problem(
                .notFound, type: "not_found", detail: "video \(video.id) has no file \(shown.debugDescription)",
                suggestion: "its merge result lists its files under outputs; ask for them with outputs in the timeline")
        }
        return try await StoredMediaResponder.respond(
            media, key: MediaLibrary.videoKey(path: path), localPath: path, contentType: ExtraFile.contentType(ofName: name),
            request: request, context: context)
    }

    @Sendable func info(_ request: Request, context: ServerContext) async throws -> Response {
        JSONResponse.make(data: Data(try await find(context).info.utf8))
    }

    private func find(_ context: ServerContext) async throws -> VideoRecord {
        let id = try context.parameters.require("id")
        guard Identifier.isValid(id, .video), let video = try await jobs.video(id),
            try await context.visibility.allows(owner: jobs.find(video.jobId)?.ownerKeyID)
        else {
            throw Problem.notFound("video", id: id, kind: .video)
        }
        return video
    }
}
