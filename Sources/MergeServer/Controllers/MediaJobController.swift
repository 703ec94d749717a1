import Foundation
import Generation
import HTTPTypes
import Hummingbird
import Media

/// `POST /api/mv/merge_videos` and `POST /api/mv/analyze_audio`: validate the body
/// against the stored assets, then queue a job durably and answer 202 at once.
struct MediaJobController {
    let submitter: JobSubmitter
    let assets: AssetRepository
    let store: AssetStore
    let maxJSONBytes: Int
    /// Bounds on the work one request may ask for.
    let limits: ServerLimits

    /// The controller's routes, added to the router as one collection.
    var routes: RouteCollection<ServerContext> {
        let router = RouteCollection(context: ServerContext.self)
        router.post("/api/mv/merge_videos", use: mergeVideos)
        router.post("/api/mv/analyze_audio", use: analyzeAudio)
        return router
    }

    @Sendable func mergeVideos(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await submitter.body(of: request, upTo: maxJSONBytes)
        let timeline = try PreparedTimeline.decode(body.work, limits: limits.timeline)
        try await PreparedTimeline.check(timeline, limits: limits, assets: assets.visible(to: context.visibility), store: store)
        return try await submit(kind: MergeVideosJob.kind, body: body, request: request, context: context)
    }

    @Sendable func analyzeAudio(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await submitter.body(of: request, upTo: maxJSONBytes)
        let analysis = try JSONBody.decode(AnalyzeAudioRequest.self, from: body.work, expecting: "an analyze_audio request")
        var problems = StrictFields.unknown(in: body.work, known: AnalyzeAudioRequest.CodingKeys.allCases.map(\.stringValue))
        problems += analysis.problems
        if let song = try await assets.visible(to: context.visibility).song(analysis.audio, field: "audio", problems: &problems),
            let tooLong = limits.songProblem(duration: song.duration, field: "audio")
        {
            problems.append(tooLong)
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return try await submit(kind: AnalyzeAudioJob.kind, body: body, request: request, context: context)
    }

    private func submit(kind: JobKind, body: JobRequestBody, request: Request, context: ServerContext) async throws -> Response {
        try await submitter.submit(kind: kind, body: body, request: request, context: context)
    }
}
