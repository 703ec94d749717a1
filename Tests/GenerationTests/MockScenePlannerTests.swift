import Generation
import Testing

@Suite struct MockScenePlannerTests {
    let planner = MockScenePlanner()
    static let model = CatalogModel(id: "mock-scenes", provider: "mock", path: "mock-scenes", kind: .scenes)

    func plan(
        _ idea: String = "a robot learns to dance in a neon city", lyrics: String? = nil, style: String? = nil,
        scenes: Int
    ) async throws -> ScenePlan {
        try await planner.planScenes(ScenePlanRequest(idea: idea, lyrics: lyrics, style: style, numScenes: scenes, model: Self.model))
    }

    @Test(arguments: [1, 2, 7, 16, 100])
    func exactlyTheRequestedScenes(count: Int) async throws {
        let plan = try await plan(scenes: count)
        #expect(plan.scenes.count == count)
        #expect(plan.isMock && plan.tokens == 0)
        for scene in plan.scenes {
            #expect(!scene.description.isEmpty && scene.description.count < 140)
            #expect(scene.prompt.contains("robot learns to dance"))
            #expect(scene.prompt.count > 120, "a rich prompt: \(scene.prompt)")
        }
    }

    @Test func deterministicAndVariedByScene() async throws {
        let first = try await plan(scenes: 12)
        let again = try await plan(scenes: 12)
        #expect(first.scenes == again.scenes)
        for (a, b) in zip(first.scenes, first.scenes.dropFirst()) {
            #expect(a.prompt != b.prompt)
        }
        #expect(Set(first.scenes.map(\.prompt)).count == 12)
        let other = try await plan("a sailboat crossing a stormy ocean", scenes: 12)
        #expect(other.scenes.map(\.prompt) != first.scenes.map(\.prompt))
    }

    @Test func lyricLinesGoToScenesInOrder() async throws {
        let lyrics = "[Verse 1]\nFirst line of the song\n\nSecond line here\n(x2)\nThird and last line\n"
        let three = try await plan(lyrics: lyrics, scenes: 3)
        #expect(three.scenes[0].prompt.contains("First line of the song"))
        #expect(three.scenes[1].prompt.contains("Second line here"))
        #expect(three.scenes[2].prompt.contains("Third and last line"))
        #expect(!three.scenes.contains { $0.prompt.contains("Verse") || $0.prompt.contains("(x2)") })

        let lines = ["First line of the song", "Second line here", "Third and last line"]
        let six = try await plan(lyrics: lyrics, scenes: 6)
        let order = six.scenes.map { scene in lines.firstIndex { scene.prompt.contains($0) } ?? -1 }
        #expect(order == [0, 0, 1, 1, 2, 2])
    }

    @Test func styleIsUsedWhenGiven() async throws {
        let plan = try await plan(style: "claymation, stop motion", scenes: 4)
        #expect(plan.scenes.allSatisfy { $0.prompt.contains("claymation, stop motion") })
        let unstyled = try await self.plan(scenes: 4)
        #expect(unstyled.scenes.allSatisfy { $0.prompt.contains("Style: ") })
    }

    @Test(arguments: [0, -1, 101, Int.max])
    func sceneCountIsValidated(count: Int) async throws {
        let error = try await #require(throws: ProviderError.self) { try await plan(scenes: count) }
        #expect(error.kind == .validation && error.provider == "mock")
        #expect(error.message.contains("num_scenes must be 1…100"))
        #expect(ScenePlanRequest.sceneLimit == 1...100)
    }

    @Test func emptyIdeaIsRefused() async throws {
        let error = try await #require(throws: ProviderError.self) { try await plan(" \n\t", scenes: 3) }
        #expect(error.kind == .validation)
    }
}
