import Foundation
import Generation
import Hummingbird

/// The generation endpoints: each checks its body (fields, model, assets, budget)
/// and queues a job whose estimate is recorded with it — if the estimate fits the key's
/// and the server's spend budgets (a 402 otherwise, before any provider is called).
struct GenerationController {
    let checks: GenerationChecks
    let submitter: JobSubmitter
    let maxJSONBytes: Int
    var spend: SpendBudget? = nil

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
        return try await submit(
            CreateScenesJob.kind, body, request, context, try await checks.visible(to: context.visibility).createScenes(decoded, body: body.work))
    }

    @Sendable func characterReference(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await submitter.body(of: request, upTo: maxJSONBytes)
        let decoded = try JSONBody.decode(CharacterReferenceRequest.self, from: body.work, expecting: "a generate_character_reference request")
        return try await submit(
            CharacterReferenceJob.kind, body, request, context,
            try checks.visible(to: context.visibility).characterReference(decoded, body: body.work))
    }

    @Sendable func generateVideo(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await submitter.body(of: request, upTo: maxJSONBytes)
        let decoded = try JSONBody.decode(GenerateVideoRequest.self, from: body.work, expecting: "a generate_video request", wholeNumbers: ["seed"])
        return try await submit(
            GenerateVideoJob.kind, body, request, context, try await checks.visible(to: context.visibility).generateVideo(decoded, body: body.work))
    }

    @Sendable func musicVideo(_ request: Request, context: ServerContext) async throws -> Response {
        let body = try await submitter.body(of: request, upTo: maxJSONBytes)
        let decoded = try JSONBody.decode(MusicVideoRequest.self, from: body.work, expecting: "a music_video request", wholeNumbers: ["num_scenes"])
        return try await submit(
            MusicVideoJob.kind, body, request, context, try await checks.visible(to: context.visibility).musicVideo(decoded, body: body.work))
    }

    private func submit(
        _ kind: JobKind, _ body: JobRequestBody, _ request: Request, _ context: ServerContext, _ estimate: GenerationChecks.Estimate
    ) async throws -> Response {
        let items = estimate.items
        // What the budgets see: work its provider plays as a free mock costs nothing.
        let paid = CostRepository.cents(items.filter { !$0.isMock }.reduce(0) { $0 + $1.usd })
        let limits = context.apiKey?.limits
        let spend = spend
        return try await submitter.submit(kind: kind, body: body, request: request, context: context, estimatedCostUSD: estimate.total) { db, job in
            try spend?.admit(db, owner: job.ownerKeyID, limits: limits, estimateUSD: paid, now: job.createdAt)
            try CostRepository.recordEstimate(db, job: job.id, owner: job.ownerKeyID, items, now: job.createdAt)
        }
    }
}
