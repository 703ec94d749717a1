import Foundation

/// A local image given to a provider as the start frame or character reference.
public struct ReferenceImage: Sendable, Hashable {
    public var path: String
    public var sha256: String
    public var mimeType: String

    public init(path: String, sha256: String, mimeType: String) {
        self.path = path
        self.sha256 = sha256
        self.mimeType = mimeType
    }
}

public struct VideoGenerationRequest: Sendable {
    public var prompt: String
    public var model: CatalogModel
    /// Seconds; one of the model's durations (validated against the catalog).
    public var duration: Double
    public var aspectRatio: String
    public var resolution: String?
    public var image: ReferenceImage?
    public var seed: Int?
    public var negativePrompt: String?

    public init(
        prompt: String, model: CatalogModel, duration: Double, aspectRatio: String, resolution: String? = nil,
        image: ReferenceImage? = nil, seed: Int? = nil, negativePrompt: String? = nil
    ) {
        self.prompt = prompt
        self.model = model
        self.duration = duration
        self.aspectRatio = aspectRatio
        self.resolution = resolution
        self.image = image
        self.seed = seed
        self.negativePrompt = negativePrompt
    }
}

public struct ImageGenerationRequest: Sendable {
    public var prompt: String
    public var model: CatalogModel
    public var aspectRatio: String

    public init(prompt: String, model: CatalogModel, aspectRatio: String) {
        self.prompt = prompt
        self.model = model
        self.aspectRatio = aspectRatio
    }
}

/// A generated file, downloaded to local disk by the provider.
public struct GeneratedFile: Sendable {
    public var file: DownloadedFile
    /// The provider's id of the work (prediction id, request id, operation name).
    public var providerJobID: String?
    /// Seconds the provider reports it computed, when it does (for the actual cost).
    public var computeSeconds: Double?
    public var isMock: Bool

    public init(file: DownloadedFile, providerJobID: String?, computeSeconds: Double? = nil, isMock: Bool = false) {
        self.file = file
        self.providerJobID = providerJobID
        self.computeSeconds = computeSeconds
        self.isMock = isMock
    }
}

public struct ScenePlanRequest: Sendable {
    public var idea: String
    public var lyrics: String?
    public var style: String?
    public var numScenes: Int
    public var model: CatalogModel

    public init(idea: String, lyrics: String? = nil, style: String? = nil, numScenes: Int, model: CatalogModel) {
        self.idea = idea
        self.lyrics = lyrics
        self.style = style
        self.numScenes = numScenes
        self.model = model
    }

    /// How many scenes a plan may have, for every planner.
    public static let sceneLimit = 1...100

    /// Refuses a scene count outside `sceneLimit` (`.validation`, named as the API's `num_scenes`).
    public func validateSceneCount(provider: String) throws(ProviderError) {
        guard Self.sceneLimit.contains(numScenes) else {
            throw ProviderError(
                .validation, "num_scenes must be \(Self.sceneLimit.lowerBound)…\(Self.sceneLimit.upperBound), not \(numScenes)",
                provider: provider)
        }
    }
}

/// What a planner writes for one scene; timing is assigned afterwards from the beats.
public struct SceneIdea: Sendable, Codable, Equatable {
    public var description: String
    public var prompt: String

    public init(description: String, prompt: String) {
        self.description = description
        self.prompt = prompt
    }
}

public struct ScenePlan: Sendable {
    public var scenes: [SceneIdea]
    /// Tokens used (prompt + completion), for the cost; nil when unknown.
    public var tokens: Int?
    public var isMock: Bool

    public init(scenes: [SceneIdea], tokens: Int?, isMock: Bool = false) {
        self.scenes = scenes
        self.tokens = tokens
        self.isMock = isMock
    }
}

/// Where a provider reports what it is doing ("queued", "generating", "downloading")
/// and how far (0–1 when known).
public typealias GenerationProgress = @Sendable (_ stage: String, _ fraction: Double?) -> Void

/// The scratch space a provider downloads into; the caller adopts the file.
public struct GenerationContext: Sendable {
    public var workDirectory: String
    public var progress: GenerationProgress
    /// Largest output accepted from a provider.
    public var downloadLimit: Int64

    public init(workDirectory: String, downloadLimit: Int64 = 2 << 30, progress: @escaping GenerationProgress = { _, _ in }) {
        self.workDirectory = workDirectory
        self.downloadLimit = downloadLimit
        self.progress = progress
    }
}

/// Makes videos. Cancelling the calling task cancels the upstream work too.
public protocol VideoProvider: Sendable {
    func generateVideo(_ request: VideoGenerationRequest, context: GenerationContext) async throws -> GeneratedFile
}

public protocol ImageProvider: Sendable {
    func generateImage(_ request: ImageGenerationRequest, context: GenerationContext) async throws -> GeneratedFile
}

public protocol ScenePlanner: Sendable {
    func planScenes(_ request: ScenePlanRequest) async throws -> ScenePlan
}
