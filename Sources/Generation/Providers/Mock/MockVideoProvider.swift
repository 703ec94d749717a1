import Foundation
import Media

/// Makes a video without a provider: a test-pattern clip with the prompt and the model
/// id drawn on it and a tone, synthesized in-process by Media. The pattern, colours and
/// tone come from a SHA-256 of the prompt (and seed), so the same request always gives
/// the same clip and another prompt a visibly different one. Free, offline, fast.
///
/// A reference `image` is shown as a picture-in-picture in every frame, as a real
/// image-to-video model starts from it; its digest is part of the fingerprint, so another
/// start frame gives another clip.
public struct MockVideoProvider: VideoProvider {
    /// Patterns cheap enough for HD at mock speed (mandelbrot costs seconds per frame).
    static let patterns: [MockPattern] = [.testsrc2, .gradients, .smptehdbars, .testsrc, .life, .color]
    public static let frameRate = FrameRate(30, 1)

    /// Where the clips are synthesized.
    let executor: MediaExecutor

    public init(executor: MediaExecutor) {
        self.executor = executor
    }

    public func generateVideo(_ request: VideoGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
        let size = try MockFrameSize(aspectRatio: request.aspectRatio, resolution: request.resolution)
        let fingerprint = Self.fingerprint(request)
        let spec = Self.spec(request, size: size, fingerprint: fingerprint)
        let problems = spec.problems(for: .mp4)
        guard problems.isEmpty else {
            throw ProviderError(.validation, problems.joined(separator: "; "), provider: "mock")
        }
        let progress = context.progress
        return try await MockOutput.write(fingerprint, fileExtension: "mp4", contentType: "video/mp4", context: context) { path in
            try await MockVideoSynthesizer.write(spec, to: path, on: executor, progress: { progress("generating", $0.fraction) })
        }
    }

    /// What the clip is made from: the prompt, and the seed and start image when the request has them.
    static func fingerprint(_ request: VideoGenerationRequest) -> MockFingerprint {
        MockFingerprint(
            ["video", request.prompt] + (request.seed.map { ["seed=\($0)"] } ?? [])
                + (request.image.map { ["image=\($0.sha256)"] } ?? []))
    }

    static func spec(_ request: VideoGenerationRequest, size: MockFrameSize, fingerprint: MockFingerprint) -> MockVideoSpec {
        var spec = MockVideoSpec()
        spec.duration = request.duration
        spec.width = size.width
        spec.height = size.height
        spec.frameRate = frameRate
        spec.pattern = fingerprint.pick(patterns, slot: 0)
        spec.seed = fingerprint.seed
        // Two octaves of equal-tempered notes from A3: audibly different for different prompts.
        let semitone = fingerprint.index(24, slot: 1)
        spec.audio = .tone(hertz: (220 * pow(2, Double(semitone) / 12) * 100).rounded() / 100)
        spec.text = label(model: request.model.id, prompt: request.prompt)
        spec.referenceImage = request.image?.path
        spec.videoCodec = .h264
        spec.preset = "ultrafast"
        spec.crf = 28
        return spec
    }

    /// "MOCK · <model id>" on its own line, then the prompt on one paragraph (Media wraps
    /// and cuts it to the frame).
    static func label(model: String, prompt: String) -> String {
        let flat = MockScenePlanner.oneLine(prompt)
        return flat.isEmpty ? "MOCK · \(model)" : "MOCK · \(model)\n\(flat)"
    }
}
