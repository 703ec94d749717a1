import Foundation
import Hummingbird
import Media

/// `GET /api/assets/{id}/peaks?width=N`: the asset's sound as N min/max pairs, for a
/// waveform drawn by a page (the web studio). Decoded on the probe executor, cached.
struct AssetPeaksController {
    let assets: AssetRepository
    let store: AssetStore
    let executor: MediaExecutor
    let cache: PeaksCache

    static let widths = 1...4096
    static let defaultWidth = 1000

    var routes: RouteCollection<ServerContext> {
        let router = RouteCollection(context: ServerContext.self)
        router.get("/api/assets/{id}/peaks", use: peaks)
        return router
    }

    @Sendable func peaks(_ request: Request, context: ServerContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard Identifier.isValid(id, .asset), let asset = try await assets.visible(to: context.visibility).find(id) else {
            throw Problem.notFound("asset", id: id, kind: .asset)
        }
        let width = try Self.width(request.uri.queryParameters.get("width"))
        guard asset.kind != .image else { throw Self.noAudio(id, "an image") }
        // Content-addressed: the same bytes give the same peaks whoever owns them, and
        // the visibility check above has already been made.
        let cacheKey = PeaksCache.Key(sha256: asset.sha256, width: width)
        let peaks: AudioPeaks
        if let cached = await cache.value(for: cacheKey) {
            peaks = cached
        } else {
            do {
                peaks = try await store.media.withLocalFiles(keys: [asset.path]) { local in
                    try await AudioPeaks.compute(local[asset.path] ?? store.path(of: asset), width: width, on: executor)
                }
            } catch let error as MediaError where error.kind == .noAudioStream {
                // Media's message names the file's path on this node, which is not the caller's business.
                throw Self.noAudio(id, "a video without a sound track")
            }
            await cache.insert(peaks, for: cacheKey)
        }
        var response = try JSONResponse.make(PeaksResource(assetID: id, width: width, peaks: peaks))
        // The bytes of an asset never change, so neither do their peaks.
        response.headers[.cacheControl] = "private, max-age=86400"
        return response
    }

    static func noAudio(_ id: String, _ what: String) -> Problem {
        Problem(
            .unprocessableContent, type: "no_audio", detail: "asset \(id) is \(what); it has no sound",
            suggestion: "ask for the peaks of a song or of a video with sound")
    }

    /// `width`: absent is the default; anything but an integer in 1…4096 is a 422 that says so.
    static func width(_ text: String?) throws -> Int {
        guard let text else { return defaultWidth }
        if let value = Int(text), widths.contains(value) { return value }
        throw Problem(
            .unprocessableContent, type: "invalid_width",
            detail: "width \(String(text.prefix(40)).debugDescription) is not a whole number of buckets in \(widths.lowerBound)…\(widths.upperBound)",
            errors: [FieldProblem("width", "must be an integer from \(widths.lowerBound) to \(widths.upperBound)")],
            suggestion: "ask for about as many buckets as the canvas is wide in pixels, e.g. ?width=1000")
    }
}

/// The peaks as the API shows them: `peaks[i] = [min, max]`, samples in -1…1.
struct PeaksResource: Encodable {
    let assetID: String
    let width: Int
    let duration: Double
    let peaks: [[Double]]

    enum CodingKeys: String, CodingKey {
        case assetID = "asset_id"
        case width, duration, peaks
    }

    init(assetID: String, width: Int, peaks: AudioPeaks) {
        self.assetID = assetID
        self.width = width
        duration = (peaks.duration * 1000).rounded() / 1000
        // Four decimals: a pixel's worth of precision at any canvas height, half the bytes.
        self.peaks = zip(peaks.minima, peaks.maxima).map { [Self.rounded($0), Self.rounded($1)] }
    }

    static func rounded(_ value: Float) -> Double { (Double(value) * 10000).rounded() / 10000 }
}
