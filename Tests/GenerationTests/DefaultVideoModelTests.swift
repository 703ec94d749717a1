import Foundation
import Generation
import Testing

/// A video request that names no model gets one that can serve it: a prompt alone a
/// text-to-video model, a start image an image-to-video one, and among those the first
/// whose provider has a key and that makes the asked shape.
@Suite struct DefaultVideoModelTests {
    let catalog: ModelCatalog
    static let prompt = VideoNeeds(hasImage: false)
    static let image = VideoNeeds(hasImage: true)

    init() throws { catalog = try ModelCatalog.builtIn() }

    func pick(_ needs: VideoNeeds, keys: Set<String> = []) -> String? {
        catalog.defaultModel(.video, for: needs, configured: { keys.contains($0) })?.id
    }

    @Test func theCatalogSaysWhatEachModelTakes() throws {
        #expect(try #require(catalog.model("kling-v2.1")).inputs == [.image])
        #expect(try #require(catalog.model("fal-hailuo-02-text")).inputs == [.text])
        #expect(try #require(catalog.model("veo-3.1")).inputs == [.text, .image])
        #expect(try #require(catalog.model("mock-video")).inputs == [.text, .image])
        #expect(try #require(catalog.model("imagen-4")).inputs == [.text])
        for model in catalog.models(of: .video) {
            #expect(model.requiresImage == (model.inputs == [.image]), "\(model.id)")
        }
    }

    @Test func aPromptAloneGetsTextToVideoAndAnImageGetsImageToVideo() {
        // No keys: both played by the mock, but each the model a real key would run.
        #expect(pick(Self.prompt) == "hailuo-02")
        #expect(pick(Self.image) == "kling-v2.1")
        #expect(pick(Self.prompt, keys: ["replicate"]) == "hailuo-02")
        #expect(pick(Self.image, keys: ["replicate"]) == "kling-v2.1")
        #expect(pick(Self.prompt, keys: ["fal"]) == "fal-hailuo-02-text")
        #expect(pick(Self.image, keys: ["fal"]) == "fal-kling-2.1")
        #expect(pick(Self.prompt, keys: ["gemini"]) == "gemini-veo-3.1")
        #expect(pick(Self.image, keys: ["gemini"]) == "gemini-veo-3.1")
        for needs in [Self.prompt, Self.image] {
            #expect(catalog.defaultModel(.video, for: needs, configured: { _ in false })?.accepts(image: needs.hasImage) == true)
        }
    }

    @Test func theDefaultAlsoMakesTheAskedShape() {
        // hailuo-02 makes 16:9 only: a portrait prompt goes to Veo, on the provider with the key.
        let portrait = VideoNeeds(hasImage: false, aspectRatio: "9:16")
        #expect(pick(portrait, keys: ["replicate"]) == "veo-3.1")
        #expect(pick(portrait) == "gemini-veo-3.1")
        // Kling makes 1:1; with no key the mock plays it.
        #expect(pick(VideoNeeds(hasImage: true, aspectRatio: "1:1")) == "kling-v2.1")
        // No model with a key makes it: the configured one, whose limits then explain the 422.
        let square = VideoNeeds(hasImage: false, aspectRatio: "1:1")
        #expect(pick(square, keys: ["fal"]) == "fal-hailuo-02-text")
        #expect(catalog.model("fal-hailuo-02-text").map { square.problems(for: $0).map(\.field) } == ["aspect_ratio"])
    }

    @Test func resolvingSaysWhichInputAModelLacks() throws {
        let textOnly = try #require(catalog.model("fal-hailuo-02-text"))
        let withImage = textOnly.videoProblems(duration: nil, aspectRatio: nil, resolution: nil, hasImage: true)
        #expect(withImage.map(\.field) == ["image"])
        #expect(withImage.first?.message.contains("text-to-video") == true)
        let kling = try #require(catalog.model("kling-v2.1"))
        let promptOnly = kling.videoProblems(duration: nil, aspectRatio: nil, resolution: nil, hasImage: false)
        #expect(promptOnly.map(\.field) == ["image"])
        #expect(promptOnly.first?.message.contains("leave out model") == true)

        guard case .success(let model) = catalog.resolve(nil, kind: .video, for: Self.prompt, configured: { _ in false }) else {
            Issue.record("a prompt alone found no default")
            return
        }
        #expect(model.accepts(image: false))
    }

    @Test func aCatalogWithoutATextToVideoModelSaysSo() throws {
        let yaml = """
            default_models: {video: [i2v]}
            models:
              - {id: i2v, provider: replicate, kind: video, inputs: [image]}
              - {id: old-i2v, provider: fal, kind: video, requires_image: true}
              - {id: any, provider: gemini, kind: video}
            """
        let only = try ModelCatalog.parse(yaml, source: "test")
        #expect(only.model("old-i2v")?.inputs == [.image], "requires_image still reads")
        #expect(only.model("any")?.inputs == [.text, .image], "a video model that lists none takes either")
        // Not among the defaults, but the catalog's one model that takes a prompt alone.
        #expect(only.defaultModel(.video, for: Self.prompt, configured: { _ in false })?.id == "any")

        let imageOnly = try ModelCatalog.parse(
            "models:\n  - {id: i2v, provider: replicate, kind: video, inputs: [image]}", source: "test")
        guard case .failure(let problem) = imageOnly.resolve(nil, kind: .video, for: Self.prompt, configured: { _ in true }) else {
            Issue.record("an image-to-video model served a prompt alone")
            return
        }
        #expect(problem.field == "model")
        #expect(problem.message.contains("text-to-video"))
        for inputs in ["[]", "[audio]", "text"] {
            #expect(throws: CatalogError.self, "inputs: \(inputs)") {
                try ModelCatalog.parse("models:\n  - {id: x, provider: fal, kind: video, inputs: \(inputs)}", source: "test")
            }
        }
    }

    @Test func theAPIWritesInputsAndRequiresImage() throws {
        let kling = try #require(catalog.model("kling-v2.1"))
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(kling)) as? [String: Any])
        #expect(json["inputs"] as? [String] == ["image"])
        #expect(json["requires_image"] as? Bool == true)
        let back = try JSONDecoder().decode(CatalogModel.self, from: JSONEncoder().encode(kling))
        #expect(back == kling)
    }
}
