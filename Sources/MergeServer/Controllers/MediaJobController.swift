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

    func addRoutes(to router: Router<ServerContext>) {
        router.post("/api/mv/merge_videos", use: mergeVideos)
        router.post("/api/mv/analyze_audio", use: analyzeAudio)
    }

    @Sendable func mergeVideos(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await request.jsonBody(upTo: maxJSONBytes)
        let timeline = try TimelineRequest.decode(body, limits: limits.timeline)
        try await TimelineRequest.check(timeline, limits: limits, assets: assets, store: store)
        return try await submit(kind: MergeVideosJob.kind, body: body, request: request)
    }

    @Sendable func analyzeAudio(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await request.jsonBody(upTo: maxJSONBytes)
        let analysis = try JSONBody.decode(AnalyzeAudioRequest.self, from: body, expecting: "an analyze_audio request")
        var problems = StrictFields.unknown(in: body, known: AnalyzeAudioRequest.CodingKeys.allCases.map(\.stringValue))
        problems += analysis.problems
        if let song = try await assets.song(analysis.audio, field: "audio", problems: &problems),
           let tooLong = limits.songProblem(duration: song.duration, field: "audio") {
            problems.append(tooLong)
        }
        if !problems.isEmpty { throw Problem.validation(problems) }
        return try await submit(kind: AnalyzeAudioJob.kind, body: body, request: request)
    }

    private func submit(kind: String, body: Data, request: Request) async throws -> Response {
        try await submitter.submit(kind: kind, body: body, request: request)
    }
}

/// Unknown fields of a JSON body: at the top, and in the nested objects named in
/// `nested` (key → its fields).
enum StrictFields {
    static func unknown(in body: Data, known: [String], nested: [String: [String]] = [:]) -> [FieldProblem] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return [] }
        func unknown(_ object: [String: Any], _ known: [String], path: String) -> [FieldProblem] {
            object.keys.sorted().filter { !known.contains($0) }.map {
                FieldProblem(path + $0, "unknown field; the fields here are \(known.joined(separator: ", "))")
            }
        }
        var problems = unknown(object, known, path: "")
        for (key, fields) in nested.sorted(by: { $0.key < $1.key }) {
            if let child = object[key] as? [String: Any] { problems += unknown(child, fields, path: key + ".") }
        }
        return problems
    }
}
