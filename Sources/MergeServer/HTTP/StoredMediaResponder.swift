import Foundation
import HTTPTypes
import Hummingbird

/// Answers a GET/HEAD of a stored file (a video, an asset's content) from wherever the
/// node's media lives: a local file through `FileResponder` (ranges, validators); from a
/// bucket, a 302 to a short-lived presigned GET, or the bytes streamed from the node's
/// cache — the cache entry held until the body is written out, so eviction cannot pull
/// the file from under a slow client.
enum StoredMediaResponder {
    static func respond(
        _ media: MediaLibrary, key: String, localPath: String, contentType: String, request: Request,
        context: some RequestContext
    ) async throws -> Response {
        guard let s3 = media.storage as? S3MediaStorage else {
            return try await FileResponder.respond(path: localPath, contentType: contentType, request: request, context: context)
        }
        switch media.serveMode {
        case .redirect:
            let url: String
            do {
                guard case .redirect(let signed) = try await s3.redirecting.serving(key: key, expiresIn: media.redirectSeconds) else {
                    throw MediaStorageError.notFound(key: key)
                }
                url = signed
            } catch {
                throw gone(error)
            }
            // Not cached by browsers or proxies: the URL expires, the API answers with a fresh one.
            return Response(status: .found, headers: [.location: url, .cacheControl: "no-store"])
        case .stream:
            let path: String
            do {
                path = try await s3.acquire(key: key)
            } catch {
                throw gone(error)
            }
            let hold = CacheHold(cache: s3.cache, key: key)
            var response: Response
            do {
                response = try await FileResponder.respond(path: path, contentType: contentType, request: request, context: context)
            } catch {
                await hold.release()
                throw error
            }
            guard request.method != .head, response.status == .ok || response.status == .partialContent else {
                await hold.release()
                return response
            }
            let inner = response.body
            response.body = ResponseBody(contentLength: inner.contentLength) { writer in
                do {
                    try await inner.write(writer)
                } catch {
                    await hold.release()
                    throw error
                }
                await hold.release()
            }
            return response
        }
    }

    /// A missing object is the same 404 as a missing local file; the storage being
    /// unreachable is a 503 the client may retry.
    private static func gone(_ error: any Error) -> any Error {
        if case MediaStorageError.notFound = error {
            return Problem(.notFound, type: "not_found", detail: "the file is gone (it may have expired)")
        }
        return Problem(
            .serviceUnavailable, type: "storage_unavailable", detail: "the media storage did not answer: \(error)",
            suggestion: "try again shortly")
    }
}

extension S3MediaStorage {
    /// The same bucket and cache, answering `serving` with presigned redirects.
    var redirecting: S3MediaStorage { redirects ? self : S3MediaStorage(client: client, cache: cache, redirects: true) }
}
