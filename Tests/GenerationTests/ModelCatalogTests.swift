import Foundation
import Generation
import TestSupport
import Testing

@Suite struct ModelCatalogTests {
    @Test func builtInCatalogLoadsWithEveryKindAndProvider() throws {
        let catalog = try ModelCatalog.builtIn()
        #expect(Set(catalog.models.map(\.provider)) == ModelCatalog.providers)
        for kind in CatalogModel.Kind.allCases {
            #expect(!catalog.models(of: kind).isEmpty)
        }
        let kling = try #require(catalog.model("kling-v2.1"))
        #expect(kling.path == "kwaivgi/kling-v2.1")
        #expect(kling.durations == [5, 10])
        #expect(kling.requiresImage)
        #expect(kling.defaults["mode"] == .string("standard"))
        #expect(catalog.model("hailuo-02")?.defaults["prompt_optimizer"] == .bool(false))
    }

    @Test func defaultModelPrefersAConfiguredProviderElseTheFirst() throws {
        let catalog = try ModelCatalog.builtIn()
        #expect(catalog.defaultModel(.video, configured: { _ in false })?.id == "kling-v2.1")
        #expect(catalog.defaultModel(.video, configured: { $0 == "gemini" })?.id == "gemini-veo-3.1")
        #expect(catalog.defaultModel(.scenes, configured: { $0 == "openai" })?.id == "gpt-4o-mini")
    }

    @Test func validationNamesTheValidValues() throws {
        let catalog = try ModelCatalog.builtIn()
        let kling = try #require(catalog.model("kling-v2.1"))
        let problems = kling.videoProblems(duration: 7, aspectRatio: "4:3", resolution: "4k", hasImage: false)
        #expect(problems.map(\.field) == ["duration", "aspect_ratio", "resolution", "image"])
        #expect(problems[0].message.contains("5 or 10"))
        #expect(problems[1].message.contains("16:9, 9:16, 1:1"))
        #expect(kling.videoProblems(duration: 10, aspectRatio: "9:16", resolution: nil, hasImage: true).isEmpty)

        guard case .failure(let unknown) = catalog.resolve("sora-9", kind: .video, configured: { _ in true }) else {
            Issue.record("an unknown model resolved")
            return
        }
        #expect(unknown.message.contains("kling-v2.1"))
        #expect(unknown.message.contains("mock-video"))
        guard case .failure = catalog.resolve("imagen-4", kind: .video, configured: { _ in true }) else {
            Issue.record("an image model was accepted for video")
            return
        }
    }

    @Test func durationCoveringAScenePicksTheShortestLongEnough() throws {
        let catalog = try ModelCatalog.builtIn()
        let veo = try #require(catalog.model("veo-3.1"))
        #expect(veo.duration(covering: 3.2) == 4)
        #expect(veo.duration(covering: 6) == 6)
        #expect(veo.duration(covering: 6.5) == 8)
        #expect(veo.duration(covering: 12) == 8)
        #expect(try #require(catalog.model("mock-video")).duration(covering: 3.7) == 3.7)
    }

    @Test func costsFollowTheListPrices() throws {
        let catalog = try ModelCatalog.builtIn()
        #expect(try #require(catalog.model("kling-v2.1")).estimatedCost(videoSeconds: 10) == 0.5)
        #expect(try #require(catalog.model("imagen-4")).estimatedCost(images: 2) == 0.08)
        #expect(try #require(catalog.model("mock-video")).estimatedCost(videoSeconds: 10) == 0)
    }

    @Test func anOverrideFileReplacesAndAddsModels() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("models.yaml")
        try """
        default_models:
          video: [my-model]
        models:
          - {id: kling-v2.1, provider: replicate, path: kwaivgi/kling-v2.1, kind: video, durations: [5], price: {per_second: 0.07}}
          - {id: my-model, provider: fal, path: fal-ai/my/model, kind: video, durations: [3]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let catalog = try ModelCatalog.load(overridesAt: path)
        #expect(catalog.model("kling-v2.1")?.durations == [5])
        #expect(catalog.model("kling-v2.1")?.price.perSecond == 0.07)
        #expect(catalog.model("my-model")?.provider == "fal")
        #expect(catalog.defaultModel(.video, configured: { _ in false })?.id == "my-model")
        #expect(catalog.model("veo-3.1") != nil)
    }

    @Test(arguments: [
        ("models: [{id: a, provider: nobody, kind: video}]", "unknown provider"),
        ("models: [{id: a, provider: fal, kind: video}, {id: a, provider: fal, kind: video}]", "appears twice"),
        ("models: [{id: a, provider: fal, kind: sound}]", "not a valid model catalog"),
        ("models: [{id: a, provider: fal, kind: video, durations: [-1]}]", "duration"),
        ("models: [{id: a, provider: fal, kind: video, price: {per_second: -2}}]", "negative price"),
        ("default_models: {video: [imagen-4]}", "not a video model"),
        ("models: [{id: a, provider: fal", "not a valid model catalog"),
    ])
    func badCatalogsAreRefusedWithTheReason(yaml: String, expected: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("models.yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try ModelCatalog.load(overridesAt: path)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test func aMissingOverrideFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: CatalogError.self) { try ModelCatalog.load(overridesAt: directory.file("missing.yaml")) }
    }

    @Test func anAbsurdDurationIsAProblemNotACrash() throws {
        // 1e300 cannot become an integer; the message must still say it.
        let problems = try #require(try ModelCatalog.builtIn().model("kling-v2.1"))
            .videoProblems(duration: 1e300, aspectRatio: nil, resolution: nil, hasImage: true)
        #expect(problems.map(\.field) == ["duration"] && problems[0].message.contains("1e+300"), "\(problems)")
    }
}
