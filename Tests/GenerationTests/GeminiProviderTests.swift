import Foundation
import Generation
import TestSupport
import Testing

@Suite struct GeminiProviderTests {
    static let veo = ProviderTests.videoModel(
        "veo-3.1", provider: "gemini", path: "veo-3.1-generate-preview",
        defaults: ["personGeneration": .string("allow_adult")])
    static let flash = CatalogModel(id: "gemini-2.5-flash", provider: "gemini", path: "gemini-2.5-flash", kind: .scenes)

    func veoProvider(_ base: String, retry: RetryPolicy = ProviderTests.retry, deadline: Duration = .seconds(60)) -> VeoProvider {
        VeoProvider(apiKey: "test-key", baseURL: base, client: ProviderTests.client, retry: retry, pollInterval: .milliseconds(5), deadline: deadline)
    }

    func planner(_ base: String, retry: RetryPolicy = ProviderTests.retry) -> GeminiScenePlanner {
        GeminiScenePlanner(apiKey: "test-key", baseURL: base, client: ProviderTests.client, retry: retry)
    }

    func veoRequest(image: ReferenceImage? = nil) -> VideoGenerationRequest {
        VideoGenerationRequest(
            prompt: "a fox at dawn", model: Self.veo, duration: 8, aspectRatio: "9:16", resolution: "720p", image: image,
            negativePrompt: "blur")
    }

    static func planJSON(_ count: Int, emptyPromptAt: Int? = nil) -> String {
        let scenes = (0..<count).map { index -> JSONValue in
            ["description": .string("scene \(index + 1)"), "prompt": .string(index == emptyPromptAt ? " " : "prompt \(index + 1)")]
        }
        return String(decoding: try! JSONValue.object(["scenes": .array(scenes)]).encoded(), as: UTF8.self)
    }

    // MARK: Veo

    @Test func veoOperationIsStartedPolledAndDownloadedWithTheKey() async throws {
        let directory = try TemporaryDirectory()
        try await FakeGeminiServer.run { fake, base in
            let image = try TestMedia.referenceImage(in: directory.path)
            await fake.set(pendingPolls: 2)
            let result = try await veoProvider(base).generateVideo(
                veoRequest(image: image), context: GenerationContext(workDirectory: directory.path))
            let predict = try #require(await fake.requests(.predict).first)
            #expect(predict.path == "/v1beta/models/veo-3.1-generate-preview:predictLongRunning")
            #expect(predict.headers["x-goog-api-key"] == "test-key")
            #expect(
                predict.json == [
                    "instances": [
                        [
                            "prompt": "a fox at dawn",
                            "image": ["bytesBase64Encoded": .string(TestMedia.png.base64EncodedString()), "mimeType": "image/png"],
                        ]
                    ],
                    "parameters": [
                        "aspectRatio": "9:16", "durationSeconds": 8, "resolution": "720p", "negativePrompt": "blur",
                        "personGeneration": "allow_adult",
                    ],
                ])
            let polls = await fake.requests(.poll)
            #expect(polls.count == 3)
            #expect(polls.allSatisfy { $0.path == "/v1beta/" + FakeGeminiServer.operation })
            let download = try #require(await fake.requests(.download).first)
            #expect(download.query.split(separator: "&").contains("key=test-key"))
            #expect(download.headers["x-goog-api-key"] == nil)
            #expect(result.providerJobID == FakeGeminiServer.operation)
            expectFile(result.file, equals: try await TestMedia.video.value, extension: "mp4", in: directory.path)
            #expect(await fake.count(.cancel) == 0)
        }
    }

    @Test func aRateLimitedPollHonoursRetryDelay() async throws {
        let directory = try TemporaryDirectory()
        try await FakeGeminiServer.run { fake, base in
            await fake.script(
                .poll,
                FakeGeminiServer.apiError(
                    429, "RESOURCE_EXHAUSTED", "Resource has been exhausted",
                    details: [
                        ["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1s"]
                    ]))
            let result = try await veoProvider(base).generateVideo(veoRequest(), context: GenerationContext(workDirectory: directory.path))
            #expect(result.providerJobID == FakeGeminiServer.operation)
            let polls = await fake.requests(.poll)
            #expect(polls.count == 3)
            if polls.count >= 2 { #expect(polls[1].receivedAt - polls[0].receivedAt >= .milliseconds(950)) }
        }
    }

    static let statusCases: [(FakeResponse, ProviderError.Kind, String)] = [
        (
            FakeGeminiServer.apiError(
                400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                details: [["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"]]), .authentication, "API key not valid"
        ),
        (FakeGeminiServer.apiError(400, "INVALID_ARGUMENT", "durationSeconds must be between 4 and 8"), .validation, "durationSeconds"),
        (FakeGeminiServer.apiError(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers"), .authentication, "PERMISSION_DENIED"),
        (FakeGeminiServer.apiError(404, "NOT_FOUND", "models/veo-9 is not found"), .validation, "not found"),
        (
            FakeGeminiServer.apiError(
                429, "RESOURCE_EXHAUSTED", "Quota exceeded",
                details: [["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "19s"]]), .rateLimited, "Quota exceeded"
        ),
        (FakeGeminiServer.apiError(500, "INTERNAL", "An internal error has occurred"), .upstreamUnavailable, "internal error"),
        (FakeGeminiServer.apiError(503, "UNAVAILABLE", "The model is overloaded"), .upstreamUnavailable, "overloaded"),
        (FakeGeminiServer.apiError(504, "DEADLINE_EXCEEDED", "Deadline exceeded"), .timeout, "Deadline"),
    ]

    @Test(arguments: statusCases.indices)
    func predictErrorsMapToKinds(_ index: Int) async throws {
        let (response, kind, message) = Self.statusCases[index]
        let directory = try TemporaryDirectory()
        try await FakeGeminiServer.run { fake, base in
            await fake.script(.predict, response)
            let error = await providerError {
                _ = try await veoProvider(base, retry: ProviderTests.noRetry).generateVideo(
                    veoRequest(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == kind)
            #expect(error?.status == response.status)
            #expect(error?.provider == "gemini")
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            if kind == .rateLimited { #expect(error?.retryAfter == .seconds(19)) }
        }
    }

    @Test func a503PredictIsRetriedAndA500IsNot() async throws {
        let directory = try TemporaryDirectory()
        try await FakeGeminiServer.run { fake, base in
            await fake.script(.predict, FakeGeminiServer.apiError(503, "UNAVAILABLE", "overloaded"))
            _ = try await veoProvider(base).generateVideo(veoRequest(), context: GenerationContext(workDirectory: directory.path))
            #expect(await fake.count(.predict) == 2)
        }
        try await FakeGeminiServer.run { fake, base in
            await fake.script(.predict, FakeGeminiServer.apiError(500, "INTERNAL", "internal"))
            let error = await providerError {
                _ = try await veoProvider(base).generateVideo(veoRequest(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == .upstreamUnavailable)
            #expect(await fake.count(.predict) == 1)
        }
    }

    @Test func failedAndFilteredOperations() async throws {
        let directory = try TemporaryDirectory()
        try await FakeGeminiServer.run { fake, base in
            await fake.set(operationError: "Video generation failed due to an internal model error")
            let failed = await providerError {
                _ = try await veoProvider(base).generateVideo(veoRequest(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(failed?.kind == .generationFailed)

            await fake.set(pendingPolls: 0)
            await fake.set(operationError: "The prompt could not be submitted. It violates our usage guidelines (safety).")
            let flagged = await providerError {
                _ = try await veoProvider(base).generateVideo(veoRequest(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(flagged?.kind == .contentFlagged)

            await fake.set(pendingPolls: 0)
            await fake.set(operationError: nil)
            await fake.set(filteredReasons: ["Your prompt was blocked by our safety filters."])
            let filtered = await providerError {
                _ = try await veoProvider(base).generateVideo(veoRequest(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(filtered?.kind == .contentFlagged)
            #expect(await fake.count(.cancel) == 0)
            #expect(await fake.count(.download) == 0)
        }
    }

    @Test func malformedPollAndMissingDownloadAreBadResponses() async throws {
        let directory = try TemporaryDirectory()
        try await FakeGeminiServer.run { fake, base in
            await fake.script(.poll, .raw("{\"name\": "))
            let malformed = await providerError {
                _ = try await veoProvider(base).generateVideo(veoRequest(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(malformed?.kind == .badResponse)
            #expect(await fake.count(.cancel) == 1)

            await fake.set(pendingPolls: 0)
            await fake.script(.download, FakeGeminiServer.apiError(404, "NOT_FOUND", "File abc123 not found"))
            let missing = await providerError {
                _ = try await veoProvider(base).generateVideo(veoRequest(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(missing?.kind == .badResponse)
            #expect(missing?.status == 404)
            #expect(directory.contents().isEmpty)
            // The download URL carries the key in its query; the error names the file, never the key.
            #expect(missing?.message.contains("files/abc123:download") == true)
            #expect(missing.map { "\($0)" }?.contains("test-key") == false)
            #expect(missing?.message.contains("key=") == false)
        }
    }

    @Test func anAPICallAnsweredWithARedirectIsNotFollowed() async throws {
        let directory = try TemporaryDirectory()
        let elsewhere = Locked<[RecordedRequest]>([])
        try await withFakeServer({ request, _ in
            elsewhere.mutate { $0.append(request) }
            return .raw("{}")
        }) { target in
            try await FakeGeminiServer.run { fake, base in
                await fake.script(.predict, FakeResponse(status: 307, headers: ["Location": target + "/steal"]))
                let error = await providerError {
                    _ = try await veoProvider(base).generateVideo(veoRequest(), context: GenerationContext(workDirectory: directory.path))
                }
                #expect(error?.kind == .badResponse)
                #expect(error?.status == 307)
                #expect(await fake.count(.predict) == 1)
            }
        }
        // The x-goog-api-key header never went to the redirect's host.
        #expect(elsewhere.value.isEmpty)
    }

    @Test func anOperationThatNeverFinishesTimesOutAndIsCancelled() async throws {
        let directory = try TemporaryDirectory()
        try await FakeGeminiServer.run { fake, base in
            await fake.set(pendingPolls: .max)
            let error = await providerError {
                _ = try await veoProvider(base, deadline: .milliseconds(300)).generateVideo(
                    veoRequest(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == .timeout)
            let cancel = try #require(await fake.requests(.cancel).first)
            #expect(cancel.path == "/v1beta/\(FakeGeminiServer.operation):cancel")
            #expect(cancel.headers["x-goog-api-key"] == "test-key")
        }
    }

    @Test func cancellingTheTaskCancelsTheOperation() async throws {
        let directory = try TemporaryDirectory()
        try await FakeGeminiServer.run { fake, base in
            await fake.set(pendingPolls: .max)
            let provider = veoProvider(base)
            let task = Task { try await provider.generateVideo(veoRequest(), context: GenerationContext(workDirectory: directory.path)) }
            try await waitUntil { await fake.count(.poll) >= 2 }
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(await fake.count(.cancel) == 1)
        }
    }

    // MARK: Scene planner

    @Test func aPlanIsAskedWithASchemaAndRead() async throws {
        try await FakeGeminiServer.run { fake, base in
            await fake.set(planText: Self.planJSON(4))
            let plan = try await planner(base).planScenes(
                ScenePlanRequest(
                    idea: "a road trip", lyrics: "drive all night", style: "16mm film",
                    numScenes: 3, model: Self.flash))
            #expect(plan.scenes.count == 3)
            #expect(plan.scenes.first == SceneIdea(description: "scene 1", prompt: "prompt 1"))
            #expect(plan.tokens == 420)
            let call = try #require(await fake.requests(.generate).first)
            #expect(call.path == "/v1beta/models/gemini-2.5-flash:generateContent")
            #expect(call.headers["x-goog-api-key"] == "test-key")
            let body = try #require(call.json)
            #expect(body["generationConfig"]?["responseMimeType"] == "application/json")
            let scenes = body["generationConfig"]?["responseJsonSchema"]?["properties"]?["scenes"]
            #expect(scenes?["minItems"] == 3)
            #expect(scenes?["maxItems"] == 3)
            #expect(scenes?["items"]?["required"] == ["description", "prompt"])
            let text = body["contents"]?[0]?["parts"]?[0]?["text"]?.string ?? ""
            #expect(
                text.contains("exactly 3 scenes") && text.contains("a road trip") && text.contains("drive all night") && text.contains("16mm film"))
            #expect(body["systemInstruction"]?["parts"]?[0]?["text"]?.string?.contains("music video") == true)
        }
    }

    @Test func badPlansAreBadResponsesAndBlockedOnesFlagged() async throws {
        try await FakeGeminiServer.run { fake, base in
            let request = ScenePlanRequest(idea: "x", numScenes: 3, model: Self.flash)
            await fake.set(planText: Self.planJSON(2))
            #expect(await providerError { _ = try await planner(base).planScenes(request) }?.kind == .badResponse)
            await fake.set(planText: Self.planJSON(3, emptyPromptAt: 1))
            #expect(await providerError { _ = try await planner(base).planScenes(request) }?.kind == .badResponse)
            await fake.set(planText: "{\"scenes\": [")
            #expect(await providerError { _ = try await planner(base).planScenes(request) }?.kind == .badResponse)
            await fake.set(planText: "", finishReason: "SAFETY")
            #expect(await providerError { _ = try await planner(base).planScenes(request) }?.kind == .contentFlagged)
            await fake.script(
                .generate,
                FakeGeminiServer.apiError(
                    400, "INVALID_ARGUMENT", "API key not valid.",
                    details: [["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"]]))
            #expect(await providerError { _ = try await planner(base).planScenes(request) }?.kind == .authentication)
        }
    }
}
