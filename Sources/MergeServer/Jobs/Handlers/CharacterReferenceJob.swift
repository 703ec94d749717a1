import Foundation
import Generation
import Media

/// `generate_character_reference`: a prompt → an image asset.
struct CharacterReferenceJob: JobHandler {
    static let kind = JobKind.generateCharacterReference
    let work: GenerationWork

    func run(_ request: CharacterReferenceRequest, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let model = try work.model(request.model, .image)
        let imageRequest = ImageGenerationRequest(
            prompt: request.prompt, model: model,
            aspectRatio: request.aspectRatio ?? model.aspectRatios.first ?? "1:1")
        let (asset, generated) = try await work.image(imageRequest, job: job.attempt, progress: ProgressForwarding.into(progress))
        let result = GeneratedAssetResult(asset: asset, model: model, generated: generated, cost: try await work.costs.total(job: job.id))
        return JobOutput(result: JobEngine.json(result))
    }
}
