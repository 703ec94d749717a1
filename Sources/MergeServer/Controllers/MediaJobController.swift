import Foundation
import Generation
import HTTPTypes
import Hummingbird
import Media

/// `POST /api/mv/merge_videos` and `POST /api/mv/analyze_audio`: validate the body
/// against the stored assets, then queue a job durably and answer 202 at once.
struct MediaJobController {
    let jobs: JobRepository
    let engine: JobEngine
    let assets: AssetRepository
    let store: AssetStore
    let maxJSONBytes: Int
    let maxAttempts: Int

    func addRoutes(to router: Router<ServerContext>) {
        router.post("/api/mv/merge_videos", use: mergeVideos)
        router.post("/api/mv/analyze_audio", use: analyzeAudio)
    }

    @Sendable func mergeVideos(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await request.jsonBody(upTo: maxJSONBytes)
        let timeline = try TimelineRequest.decode(body)
        try await TimelineRequest.check(timeline, assets: assets, store: store)
        return try await submit(kind: "merge_videos", body: body, request: request)
    }

    @Sendable func analyzeAudio(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await request.jsonBody(upTo: maxJSONBytes)
        let analysis = try JSONBody.decode(AnalyzeAudioRequest.self, from: body, expecting: "an analyze_audio request")
        var problems = StrictFields.unknown(in: body, known: AnalyzeAudioRequest.CodingKeys.allCases.map(\.stringValue))
        problems += analysis.problems
        if Identifier.isValid(analysis.audio, .asset) {
            if let asset = try await assets.find(analysis.audio) {
                if asset.kind == .image { problems.append(FieldProblem("audio", "asset \(analysis.audio) is an image, not audio")) }
                else if JSONValue(text: asset.media)?["audio"] == .null {
                    problems.append(FieldProblem("audio", "asset \(analysis.audio) has no audio stream"))
                }
            } else {
                problems.append(FieldProblem("audio", "no asset with id \(analysis.audio); upload the song with POST /api/uploads first"))
            }
        } else {
            problems.append(FieldProblem("audio", "give the asset id of an uploaded song (ast_ and \(Identifier.hexLength) hex digits)"))
        }
        if !problems.isEmpty { throw Problem.validation(problems) }
        return try await submit(kind: "analyze_audio", body: body, request: request)
    }

    private func submit(kind: String, body: Data, request: Request) async throws -> Response {
        try await JobSubmitter(jobs: jobs, engine: engine, maxAttempts: maxAttempts).submit(kind: kind, body: body, request: request)
    }
}

/// Unknown top-level fields of a flat JSON body.
enum StrictFields {
    static func unknown(in body: Data, known: [String]) -> [FieldProblem] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return [] }
        return object.keys.sorted().filter { !known.contains($0) }.map {
            FieldProblem($0, "unknown field; the fields here are \(known.joined(separator: ", "))")
        }
    }
}
