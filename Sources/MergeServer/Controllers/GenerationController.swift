import Foundation
import Generation
import Hummingbird

/// The generation endpoints: each checks its body (fields, model, assets, budget)
/// and queues a job whose estimate is recorded with it.
struct GenerationController {
    let checks: GenerationChecks
    let submitter: JobSubmitter
    let maxJSONBytes: Int

    /// The controller's routes, added to the router as one collection.
    var routes: RouteCollection<ServerContext> {
        let router = RouteCollection(context: ServerContext.self)
        router.post("/api/mv/create_scenes", use: createScenes)
        router.post("/api/mv/generate_character_reference", use: characterReference)
        router.post("/api/mv/generate_video", use: generateVideo)
        router.post("/api/mv/music_video", use: musicVideo)
        return router
    }

    @Sendable func createScenes(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await submitter.body(of: request, upTo: maxJSONBytes)
        let decoded = try JSONBody.decode(
            CreateScenesRequest.self, from: body.work, expecting: "a create_scenes request", wholeNumbers: ["num_scenes"])
        return try await submit(CreateScenesJob.kind, body, request, context, try await checks.createScenes(decoded, body: body.work))
    }

    @Sendable func characterReference(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await submitter.body(of: request, upTo: maxJSONBytes)
        let decoded = try JSONBody.decode(CharacterReferenceRequest.self, from: body.work, expecting: "a generate_character_reference request")
        return try await submit(CharacterReferenceJob.kind, body, request, context, try checks.characterReference(decoded, body: body.work))
    }

    @Sendable func generateVideo(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await submitter.body(of: request, upTo: maxJSONBytes)
        let decoded = try JSONBody.decode(GenerateVideoRequest.self, from: body.work, expecting: "a generate_video request", wholeNumbers: ["seed"])
        return try await submit(GenerateVideoJob.kind, body, request, context, try await checks.generateVideo(decoded, body: body.work))
    }

    @Sendable func musicVideo(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await submitter.body(of: request, upTo: maxJSONBytes)
        let decoded = try JSONBody.decode(MusicVideoRequest.self, from: body.work, expecting: "a music_video request", wholeNumbers: ["num_scenes"])
        return try await submit(MusicVideoJob.kind, body, request, context, try await checks.musicVideo(decoded, body: body.work))
    }

    private func submit(
        _ kind: JobKind, _ body: JobRequestBody, _ request: Request, _ context: ServerContext, _ estimate: GenerationChecks.Estimate
    ) async throws -> Response {
        let items = estimate.items
        return try await submitter.submit(kind: kind, body: body, request: request, context: context, estimatedCostUSD: estimate.total) { db, job in
            try CostRepository.recordEstimate(db, job: job.id, owner: job.ownerKeyID, items, now: job.createdAt)
        }
    }
}
