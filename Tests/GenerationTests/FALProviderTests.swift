import Foundation
import Generation
import TestSupport
import Testing

@Suite struct FALProviderTests {
    static let kling = ProviderTests.videoModel(
        "fal-kling-v2.1", provider: "fal", path: FakeFALServer.endpoint,
        defaults: ["cfg_scale": .number(0.5)])
    static let hailuo = ProviderTests.videoModel("fal-hailuo-02", provider: "fal", path: "fal-ai/minimax/hailuo-02/standard/image-to-video")

    func provider(_ base: String, retry: RetryPolicy = ProviderTests.retry, deadline: Duration = .seconds(60)) -> FALProvider {
        FALProvider(
            apiKey: "test-key", baseURL: base, client: ProviderTests.client, retry: retry, pollInterval: .milliseconds(5),
            deadline: deadline)
    }

    func request(image: ReferenceImage? = nil) -> VideoGenerationRequest {
        VideoGenerationRequest(prompt: "a fox", model: Self.kling, duration: 5, aspectRatio: "16:9", image: image, negativePrompt: "blur")
    }

    @Test func klingIsSubmittedPolledAndDownloaded() async throws {
        let directory = try TemporaryDirectory()
        let progress = ProgressLog()
        try await FakeFALServer.run { fake, base in
            let image = try TestMedia.referenceImage(in: directory.path)
            let result = try await provider(base).generateVideo(request(image: image), context: progress.context(directory.path))
            let submit = try #require(await fake.requests(.submit).first)
            #expect(submit.path == "/" + FakeFALServer.endpoint)
            #expect(submit.headers["authorization"] == "Key test-key")
            #expect(
                submit.json == [
                    "prompt": "a fox", "image_url": .string("data:image/png;base64," + TestMedia.png.base64EncodedString()),
                    "duration": "5", "negative_prompt": "blur", "cfg_scale": 0.5,
                ])
            let statuses = await fake.requests(.status)
            #expect(statuses.count == 3)
            #expect(statuses.allSatisfy { $0.path == "/fal-ai/kling-video/requests/\(FakeFALServer.requestID)/status" && $0.query == "logs=1" })
            #expect(await fake.count(.result) == 1)
            #expect(await fake.count(.cancel) == 0)
            #expect(result.providerJobID == FakeFALServer.requestID)
            #expect(result.computeSeconds == 61.5)
            #expect(await fake.requests(.output).map { $0.headers["authorization"] } == [nil])
            expectFile(result.file, equals: try await TestMedia.video.value, extension: "mp4", in: directory.path)
            #expect(progress.stages.contains("queued"))
            #expect(progress.stages.contains("generating"))
            #expect(progress.stages.last == "downloading")
        }
    }

    @Test func withoutURLsInTheSubmitAnswerTheAppIDPathsAreUsed() async throws {
        let directory = try TemporaryDirectory()
        try await FakeFALServer.run { fake, base in
            await fake.set(returnsURLs: false)
            await fake.set(statuses: ["IN_PROGRESS"])
            let error = await providerError {
                _ = try await provider(base, deadline: .milliseconds(300)).generateVideo(
                    request(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == .timeout)
            #expect(await fake.requests(.status).first?.path == "/fal-ai/kling-video/requests/\(FakeFALServer.requestID)/status")
            let cancel = try #require(await fake.requests(.cancel).first)
            #expect(cancel.method == "PUT")
            #expect(cancel.path == "/fal-ai/kling-video/requests/\(FakeFALServer.requestID)/cancel")
            #expect(cancel.headers["authorization"] == "Key test-key")
        }
    }

    @Test func hailuoDurationAndResolutionAreFALSpelled() async throws {
        let directory = try TemporaryDirectory()
        try await FakeFALServer.run { fake, base in
            await fake.script(.submit, .json(["detail": "stop here"], status: 400))
            let request = VideoGenerationRequest(prompt: "p", model: Self.hailuo, duration: 10, aspectRatio: "16:9", resolution: "768p")
            _ = await providerError { _ = try await provider(base).generateVideo(request, context: GenerationContext(workDirectory: directory.path)) }
            let submit = try #require(await fake.requests(.submit).first)
            #expect(submit.path == "/fal-ai/minimax/hailuo-02/standard/image-to-video")
            #expect(submit.json == ["prompt": "p", "duration": "10", "resolution": "768P"])
        }
    }

    @Test func aRateLimitedStatusIsRetriedAndA503SubmitToo() async throws {
        let directory = try TemporaryDirectory()
        try await FakeFALServer.run { fake, base in
            await fake.script(.submit, .json(["detail": "Service Unavailable"], status: 503))
            await fake.script(.status, .json(["detail": "Too many requests"], status: 429, headers: ["Retry-After": "1"]))
            let result = try await provider(base).generateVideo(request(), context: GenerationContext(workDirectory: directory.path))
            #expect(result.providerJobID == FakeFALServer.requestID)
            #expect(await fake.count(.submit) == 2)
            let polls = await fake.requests(.status)
            #expect(polls.count == 4)
            if polls.count >= 2 { #expect(polls[1].receivedAt - polls[0].receivedAt >= .milliseconds(950)) }
        }
    }

    @Test func a500SubmitIsNotRetried() async throws {
        let directory = try TemporaryDirectory()
        try await FakeFALServer.run { fake, base in
            await fake.script(.submit, .json(["detail": "Internal Server Error"], status: 500))
            let error = await providerError {
                _ = try await provider(base).generateVideo(request(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == .upstreamUnavailable)
            #expect(error?.mayHaveBeenAccepted == true)
            #expect(await fake.count(.submit) == 1)
        }
    }

    static let statusCases: [(Int, JSONValue, ProviderError.Kind, String)] = [
        (401, ["detail": "No user found for Key ID and Secret"], .authentication, "No user found"),
        (402, ["detail": "Payment required"], .insufficientCredit, "Payment required"),
        (
            403, ["detail": "User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing."], .insufficientCredit,
            "Exhausted balance"
        ),
        (404, ["detail": "Application 'kling-video' not found"], .validation, "not found"),
        (
            422, ["detail": [["loc": ["body", "prompt"], "msg": "field required", "type": "value_error.missing"]]], .validation,
            "body.prompt: field required"
        ),
        (
            422,
            [
                "detail": [
                    [
                        "loc": ["body", "prompt"],
                        "msg": "The content could not be processed because it contained material flagged by a content checker.",
                        "type": "content_policy_violation",
                    ]
                ]
            ], .contentFlagged, "content checker"
        ),
        (429, ["detail": "Too many requests"], .rateLimited, "Too many requests"),
        (500, ["detail": "Internal Server Error"], .upstreamUnavailable, "Internal"),
        (502, ["detail": "Bad Gateway"], .upstreamUnavailable, "Bad Gateway"),
        (503, ["detail": "Service Unavailable"], .upstreamUnavailable, "Unavailable"),
        (504, ["detail": "Gateway Timeout"], .timeout, "Gateway Timeout"),
    ]

    @Test(arguments: statusCases.indices)
    func submitErrorsMapToKinds(_ index: Int) async throws {
        let (status, body, kind, message) = Self.statusCases[index]
        let directory = try TemporaryDirectory()
        try await FakeFALServer.run { fake, base in
            await fake.script(.submit, .json(body, status: status, headers: status == 429 ? ["Retry-After": "9"] : [:]))
            let error = await providerError {
                _ = try await provider(base, retry: ProviderTests.noRetry).generateVideo(
                    request(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == kind)
            #expect(error?.status == status)
            #expect(error?.provider == "fal")
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            if status == 429 { #expect(error?.retryAfter == .seconds(9)) }
        }
    }

    @Test func aCompletedRequestWithAnErrorFails() async throws {
        let directory = try TemporaryDirectory()
        try await FakeFALServer.run { fake, base in
            await fake.set(completedError: "Content policy violation: the image was flagged", type: "content_policy_violation")
            let flagged = await providerError {
                _ = try await provider(base).generateVideo(request(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(flagged?.kind == .contentFlagged)

            await fake.set(statuses: ["COMPLETED"])
            await fake.set(completedError: "Inference failed: worker crashed", type: nil)
            let failed = await providerError {
                _ = try await provider(base).generateVideo(request(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(failed?.kind == .generationFailed)
            #expect(failed?.message.contains("worker crashed") == true)
            #expect(await fake.count(.cancel) == 0)
            #expect(await fake.count(.result) == 0)
        }
    }

    @Test func aResultThatFailsIsMappedAndNotCancelled() async throws {
        let directory = try TemporaryDirectory()
        try await FakeFALServer.run { fake, base in
            await fake.script(
                .result,
                .json(
                    ["detail": [["loc": ["body", "image_url"], "msg": "Could not download the image", "type": "image_load_error"]]],
                    status: 422))
            let error = await providerError {
                _ = try await provider(base).generateVideo(request(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == .validation)
            #expect(error?.message.contains("body.image_url") == true)
            #expect(await fake.count(.cancel) == 0)
        }
    }

    @Test func malformedJSONIsABadResponse() async throws {
        let directory = try TemporaryDirectory()
        try await FakeFALServer.run { fake, base in
            await fake.script(.status, .raw("{\"status\": \"IN_QUE"))
            let error = await providerError {
                _ = try await provider(base).generateVideo(request(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == .badResponse)
            #expect(await fake.count(.cancel) == 1)
        }
    }

    @Test func anExpiredOutputURLIsABadResponse() async throws {
        let directory = try TemporaryDirectory()
        try await FakeFALServer.run { fake, base in
            await fake.script(.output, .raw("gone", status: 410, contentType: "text/plain"))
            let error = await providerError {
                _ = try await provider(base).generateVideo(request(), context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == .badResponse)
            #expect(error?.status == 410)
            #expect(directory.contents().isEmpty)
        }
    }

    @Test func cancellingTheTaskCancelsTheRequest() async throws {
        let directory = try TemporaryDirectory()
        try await FakeFALServer.run { fake, base in
            await fake.set(statuses: ["IN_QUEUE"])
            let provider = provider(base)
            let task = Task { try await provider.generateVideo(request(), context: GenerationContext(workDirectory: directory.path)) }
            try await waitUntil { await fake.count(.status) >= 2 }
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(await fake.requests(.cancel).map(\.method) == ["PUT"])
        }
    }
}
