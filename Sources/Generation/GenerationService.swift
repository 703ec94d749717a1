import Foundation

/// The one door to generation: resolves a request's model in the catalog, runs it on
/// the model's provider — or on the mock provider when that provider has no API key —
/// behind the model's circuit breaker.
public struct GenerationService: Sendable {
    /// The providers that can run, by provider name ("replicate", "fal", ...). A
    /// provider missing here has no key: its models are played by the mocks.
    public struct Providers: Sendable {
        public var video: [String: any VideoProvider]
        public var image: [String: any ImageProvider]
        public var scenes: [String: any ScenePlanner]

        public init(
            video: [String: any VideoProvider] = [:], image: [String: any ImageProvider] = [:],
            scenes: [String: any ScenePlanner] = [:]
        ) {
            self.video = video
            self.image = image
            self.scenes = scenes
        }
    }

    public let catalog: ModelCatalog
    public let breakers: CircuitBreakers
    let providers: Providers
    let mock: Providers

    public init(catalog: ModelCatalog, providers: Providers, mock: Providers, breakers: CircuitBreakers = CircuitBreakers()) {
        self.catalog = catalog
        self.providers = providers
        self.mock = mock
        self.breakers = breakers
    }

    /// True when a provider of that name has a key (the mock provider always runs).
    public func isConfigured(_ provider: String) -> Bool {
        provider == "mock" || providers.video[provider] != nil || providers.image[provider] != nil || providers.scenes[provider] != nil
    }

    /// Whether the model's work will be synthesized locally instead of paid for.
    public func runsAsMock(_ model: CatalogModel) -> Bool {
        switch model.kind {
        case .video: providers.video[model.provider] == nil
        case .image: providers.image[model.provider] == nil
        case .scenes: providers.scenes[model.provider] == nil
        }
    }

    /// The named model, or the default for `kind` (for a video, the one that serves `needs`).
    public func resolve(
        _ id: String?, kind: CatalogModel.Kind, field: String = "model", for needs: VideoNeeds? = nil
    ) -> Result<CatalogModel, ModelProblem> {
        catalog.resolve(id, kind: kind, field: field, for: needs, configured: isConfigured)
    }

    public func generateVideo(_ request: VideoGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
        let model = request.model
        guard let provider = providers.video[model.provider] ?? mock.video["mock"] else { throw missing(model) }
        return try await breakers.run(model: model.id, provider: model.provider) {
            try await provider.generateVideo(request, context: context)
        }
    }

    public func generateImage(_ request: ImageGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
        let model = request.model
        guard let provider = providers.image[model.provider] ?? mock.image["mock"] else { throw missing(model) }
        return try await breakers.run(model: model.id, provider: model.provider) {
            try await provider.generateImage(request, context: context)
        }
    }

    public func planScenes(_ request: ScenePlanRequest) async throws -> ScenePlan {
        let model = request.model
        guard let planner = providers.scenes[model.provider] ?? mock.scenes["mock"] else { throw missing(model) }
        return try await breakers.run(model: model.id, provider: model.provider) {
            try await planner.planScenes(request)
        }
    }

    private func missing(_ model: CatalogModel) -> ProviderError {
        ProviderError(.upstreamUnavailable, "no provider can run \(model.id) (\(model.provider)) and no mock is installed", provider: model.provider)
    }
}
