import Foundation
import Media

/// Makes an image without a provider: a PNG test pattern of the requested aspect ratio
/// (1024 on the long side) with the prompt drawn on it, seeded from a SHA-256 of the
/// prompt so the same prompt always gives the same picture.
public struct MockImageProvider: ImageProvider {
    public static let longSide = 1024

    public init() {}

    public func generateImage(_ request: ImageGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
        let size = try MockFrameSize(aspectRatio: request.aspectRatio, longSide: Self.longSide)
        let fingerprint = MockFingerprint(["image", request.prompt])
        var spec = MockImageSpec(width: size.width, height: size.height)
        spec.pattern = fingerprint.pick(MockPattern.allCases, slot: 0)
        spec.seed = fingerprint.seed
        spec.text = MockVideoProvider.label(model: request.model.id, prompt: request.prompt)
        try FileManager.default.createDirectory(atPath: context.workDirectory, withIntermediateDirectories: true)
        let jobID = "mock-" + fingerprint.hex.prefix(16)
        let path = URL(fileURLWithPath: context.workDirectory).appendingPathComponent("\(jobID).png").path

        context.progress("generating", 0)
        do {
            try await MockImageSynthesizer.write(spec, to: path)
        } catch {
            throw MockFailure.map(error)
        }
        if Task.isCancelled {  // finished just as the caller gave up: it will not adopt the file
            unlink(path)
            throw CancellationError()
        }
        context.progress("generating", 1)
        return try MockOutput.file(path, contentType: "image/png", jobID: jobID)
    }
}
