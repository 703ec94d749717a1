import Foundation
import Generation
import Media
import TestSupport
import Testing

@Suite struct MockImageProviderTests {
    let directory: TemporaryDirectory
    let provider = MockImageProvider(executor: .tests)

    init() throws { directory = try TemporaryDirectory() }

    static let model = CatalogModel(id: "mock-image", provider: "mock", path: "mock-image", kind: .image)

    func generate(_ prompt: String, aspectRatio: String = "16:9", in subdirectory: String = "work") async throws -> GeneratedFile {
        try await provider.generateImage(
            ImageGenerationRequest(prompt: prompt, model: Self.model, aspectRatio: aspectRatio),
            context: GenerationContext(workDirectory: directory.file(subdirectory)))
    }

    @Test(arguments: [
        ("16:9", 1024, 576), ("9:16", 576, 1024), ("1:1", 1024, 1024), ("4:3", 1024, 768),
        ("3:4", 768, 1024), ("21:9", 1024, 439),
    ])
    func pngOfTheAspectRatio(aspectRatio: String, width: Int, height: Int) async throws {
        let result = try await generate("a castle on a hill", aspectRatio: aspectRatio)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: result.file.path)))
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let video = try #require(try Oracle.probe(result.file.path).video)
        #expect(video.codec_name == "png" && video.width == width && video.height == height)
        let info = try MediaProbe.probe(result.file.path)
        #expect(info.video?.width == width && info.video?.height == height)
        #expect(result.isMock && result.file.contentType == "image/png" && result.file.status == 200)
        #expect(result.file.sizeBytes == Int64(bytes.count))
        #expect(result.file.sha256 == (try Oracle.sha256(result.file.path)))
        #expect(result.providerJobID?.hasPrefix("mock-") == true)
    }

    @Test func samePromptSamePictureOtherPromptOtherPicture() async throws {
        let first = try await generate("a castle on a hill", in: "a")
        let again = try await generate("a castle on a hill", in: "b")
        let other = try await generate("a castle under the sea", in: "c")
        #expect(first.file.sha256 == again.file.sha256)
        #expect(first.file.sha256 != other.file.sha256)
        let difference = Oracle.meanAbsoluteDifference(
            try Oracle.frameRGB(first.file.path, at: 0),
            try Oracle.frameRGB(other.file.path, at: 0))
        #expect(difference > 10, "visibly different: \(difference)")
    }

    @Test func hostilePromptRenders() async throws {
        let result = try await generate("100%: {x} 'y' \\ \u{0} 🎬\n" + String(repeating: "word ", count: 2000), aspectRatio: "9:16")
        #expect(try Oracle.probe(result.file.path).video?.height == 1024)
    }

    @Test func badAspectRatioIsAValidationError() async throws {
        let error = try await #require(throws: ProviderError.self) { try await generate("x", aspectRatio: "wide") }
        #expect(error.kind == .validation)
    }
}
