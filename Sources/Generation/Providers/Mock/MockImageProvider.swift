import Foundation
import Media

/// Makes an image without a provider: a PNG test pattern of the requested aspect ratio
/// (1024 on the long side) with the prompt drawn on it, seeded from a SHA-256 of the
/// prompt so the same prompt always gives the same picture.
public struct MockImageProvider: ImageProvider {
    public static let longSide = 1024

    /// Where the pictures are drawn.
    let executor: MediaExecutor

    public init(executor: MediaExecutor) {
        self.executor = executor
    }

    public func generateImage(_ request: ImageGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
        let size = try MockFrameSize(aspectRatio: request.aspectRatio, longSide: Self.longSide)
        let fingerprint = MockFingerprint(["image", request.prompt])
        var spec = MockImageSpec(width: size.width, height: size.height)
        spec.pattern = fingerprint.pick(MockPattern.allCases, slot: 0)
        spec.seed = fingerprint.seed
        spec.text = MockVideoProvider.label(model: request.model.id, prompt: request.prompt)
        return try await MockOutput.write(fingerprint, fileExtension: "png", contentType: "image/png", context: context) { path in
            try await MockImageSynthesizer.write(spec, to: path, on: executor)
        }
    }
}
