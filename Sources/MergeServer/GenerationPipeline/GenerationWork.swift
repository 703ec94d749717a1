import Foundation
import Generation
import Media

/// What the generation jobs share: running a model and storing its output as an
/// asset, fetching reference images, caching scene plans, and recording the spend.
struct GenerationWork: Sendable {
    let generation: GenerationService
    let assets: AssetRepository
    let store: AssetStore
    let costs: CostRepository
    let scenePlans: ScenePlanCache
    let fetcher: RemoteAssetFetcher
    /// Where songs are analysed.
    let executors: MediaExecutors
    /// Largest output accepted from a provider.
    let downloadLimit: Int64
    /// The spend budgets each provider call must still fit (nil: none are checked).
    var spend: SpendBudget? = nil

    /// The model a stored request names (checked when it was accepted; checked again
    /// because the catalog may have changed since). `needs` picks a video default that serves the request.
    func model(_ id: String?, _ kind: CatalogModel.Kind, field: String = "model", for needs: VideoNeeds? = nil) throws -> CatalogModel {
        switch generation.resolve(id, kind: kind, field: field, for: needs) {
        case .success(let model): return model
        case .failure(let problem):
            throw JobFailure(
                type: "validation_error", message: "\(problem.field): \(problem.message)",
                suggestion: "GET /api/models lists the models of this server")
        }
    }

    /// An image asset id or URL as a provider input (a URL is fetched as `owner`'s asset).
    func referenceImage(_ value: String, owner: String?) async throws -> (asset: AssetRecord, image: ReferenceImage) {
        let asset: AssetRecord
        if GenerationFields.isURL(value) {
            asset = try await fetcher.fetch(value, owner: owner)
        } else if let found = try await assets.find(value) {
            asset = found
        } else {
            throw JobFailure(type: "validation_error", message: "no asset with id \(value)", suggestion: "upload the image again")
        }
        guard asset.kind == .image else {
            throw JobFailure(
                type: "validation_error", message: "\(value) is \(asset.kind.rawValue), not an image", suggestion: "give a PNG, JPEG or WebP image")
        }
        return (asset, try await reference(asset))
    }

    /// The image as a provider input; with a bucket as the storage, its file is fetched
    /// into the data directory first (providers read it later, outside any cache hold).
    func reference(_ asset: AssetRecord) async throws -> ReferenceImage {
        let type = MediaType.contentType(forPath: asset.path) ?? asset.contentType ?? "image/png"
        return ReferenceImage(path: try await store.localFile(of: asset), sha256: asset.sha256, mimeType: type)
    }

    func video(
        _ request: VideoGenerationRequest, job: JobAttempt, progress: @escaping GenerationProgress
    ) async throws -> (AssetRecord, GeneratedFile) {
        let model = request.model
        return try await stored(
            job: job, model: model, progress: progress,
            cost: { model.estimatedCost(videoSeconds: request.duration) }
        ) { context in
            try await generation.generateVideo(request, context: context)
        }
    }

    func image(
        _ request: ImageGenerationRequest, job: JobAttempt, progress: @escaping GenerationProgress
    ) async throws -> (AssetRecord, GeneratedFile) {
        let model = request.model
        return try await stored(job: job, model: model, progress: progress, cost: { model.estimatedCost(images: 1) }) { context in
            try await generation.generateImage(request, context: context)
        }
    }

    /// A scene plan, from the cache when the same key asked for the same one before (free).
    /// The cache is per key: a plan another key paid for would tell who asked what.
    func scenes(_ request: ScenePlanRequest, job: JobAttempt) async throws -> ScenePlan {
        let key = SHA256Hex.of(
            [
                request.model.id, request.idea, request.lyrics ?? "", request.style ?? "",
                String(request.numScenes), generation.runsAsMock(request.model) ? "mock" : "real", job.owner ?? "",
            ].joined(separator: "\u{1F}"))
        if let cached = try await scenePlans.plan(for: key) { return cached }
        try checkBudget(job, request.model, price: request.model.estimatedCost(tokens: CatalogModel.expectedSceneTokens(scenes: request.numScenes)))
        let plan = try await generation.planScenes(request)
        // Paid for as soon as it answered, whatever it answered.
        let tokens = plan.tokens ?? CatalogModel.expectedSceneTokens(scenes: request.numScenes)
        try await costs.addActual(
            job, model: request.model.id, provider: request.model.provider,
            usd: plan.isMock ? 0 : request.model.estimatedCost(tokens: tokens), isMock: plan.isMock)
        guard plan.scenes.count == request.numScenes else {
            throw JobFailure(
                type: ProviderError.Kind.badResponse.rawValue,
                message: "\(request.model.id) planned \(plan.scenes.count) scenes, not \(request.numScenes)",
                suggestion: "try again, or choose another scenes model", transient: true)
        }
        try await scenePlans.store(plan, for: key)
        return plan
    }

    /// Throws `BudgetExceeded` (the job fails, permanently) when a paid call to `model` at
    /// `price` would cross a spend budget: checked right before the provider is called.
    private func checkBudget(_ job: JobAttempt, _ model: CatalogModel, price: Double) throws {
        guard let spend, !generation.runsAsMock(model) else { return }
        try spend.allowCall(job: job.job, usd: price)
    }

    /// Runs a provider in a scratch directory of its own, stores what it made as an
    /// asset (probed like an upload) and records what it cost — only while `job` still
    /// owns its lease (a stale attempt's spend is refused with `LeaseLost`).
    private func stored(
        job: JobAttempt, model: CatalogModel, progress: @escaping GenerationProgress, cost: () -> Double,
        _ generate: (GenerationContext) async throws -> GeneratedFile
    ) async throws -> (AssetRecord, GeneratedFile) {
        try checkBudget(job, model, price: cost())
        let directory = (store.workDirectory as NSString).appendingPathComponent("gen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generated = try await generate(GenerationContext(workDirectory: directory, downloadLimit: downloadLimit, progress: progress))
        try await costs.addActual(
            job, model: model.id, provider: model.provider, usd: generated.isMock ? 0 : cost(),
            isMock: generated.isMock)
        let file = generated.file
        do {
            let asset = try await store.adopt(
                file.path, sha256: file.sha256, size: file.sizeBytes, contentType: file.contentType,
                filename: (file.path as NSString).lastPathComponent, owner: job.owner
            ).asset
            return (asset, generated)
        } catch let failure as StorageFailure where failure.kind == .notMedia || failure.kind == .emptyUpload {
            // The provider's answer is at fault, not the server's disk.
            throw JobFailure(
                type: ProviderError.Kind.badResponse.rawValue, message: "\(model.id) returned a file that is not media: \(failure.message)",
                suggestion: "try again, or choose another model")
        }
    }
}
