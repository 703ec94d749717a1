import Foundation
import Generation

/// The results of the generation jobs, as `GET /api/jobs/{id}` shows them.

struct PlannedSceneResult: Codable, Sendable {
    var index: Int
    var description: String
    var prompt: String
    var start: Double
    var end: Double
    var duration: Double
}

struct CreateScenesResult: Codable {
    var scenes: [PlannedSceneResult]
    var tempo: Double?
    var model: String
    var isMock: Bool
    var cost: CostRepository.JobTotal

    enum CodingKeys: String, CodingKey {
        case scenes, tempo, model
        case isMock = "is_mock"
        case cost
    }
}

/// A generated image or clip, stored as an asset.
struct GeneratedAssetResult: Codable {
    var assetID: String
    var assetURL: String
    var contentURL: String
    var videoID: String?
    var videoURL: String?
    var kind: String
    var sizeBytes: Int64
    var model: String
    var provider: String
    var providerJobID: String?
    var isMock: Bool
    var cost: CostRepository.JobTotal

    enum CodingKeys: String, CodingKey {
        case assetID = "asset_id"
        case assetURL = "asset_url"
        case contentURL = "content_url"
        case videoID = "video_id"
        case videoURL = "video_url"
        case kind
        case sizeBytes = "size_bytes"
        case model, provider
        case providerJobID = "provider_job_id"
        case isMock = "is_mock"
        case cost
    }

    init(asset: AssetRecord, model: CatalogModel, generated: GeneratedFile, cost: CostRepository.JobTotal) {
        assetID = asset.id
        assetURL = "/api/assets/\(asset.id)"
        contentURL = "/api/assets/\(asset.id)/content"
        kind = asset.kind.rawValue
        sizeBytes = asset.sizeBytes
        self.model = model.id
        provider = generated.isMock ? "mock" : model.provider
        providerJobID = generated.providerJobID
        isMock = generated.isMock
        self.cost = cost
    }
}

/// How a clip was generated, for `/api/mv/get_video/{id}/info`.
struct GenerationInfo: Codable {
    var model: String
    var provider: String
    var prompt: String
    var providerJobID: String?
    var isMock: Bool
    var processingSeconds: Double

    enum CodingKeys: String, CodingKey {
        case model, provider, prompt
        case providerJobID = "provider_job_id"
        case isMock = "is_mock"
        case processingSeconds = "processing_seconds"
    }

    init(model: CatalogModel, prompt: String, generated: GeneratedFile, seconds: Double) {
        self.model = model.id
        provider = generated.isMock ? "mock" : model.provider
        self.prompt = prompt
        providerJobID = generated.providerJobID
        isMock = generated.isMock
        processingSeconds = (seconds * 1000).rounded() / 1000
    }
}

struct GeneratedVideoInfo: Codable {
    var videoID: String
    var jobID: String
    var assetID: String
    var probe: JSONValue
    var generation: GenerationInfo
    var createdAt: String

    enum CodingKeys: String, CodingKey {
        case videoID = "video_id"
        case jobID = "job_id"
        case assetID = "asset_id"
        case probe, generation
        case createdAt = "created_at"
    }
}
