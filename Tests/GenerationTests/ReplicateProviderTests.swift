import Foundation
import Generation
import TestSupport
import Testing

@Suite struct ReplicateProviderTests {
    static let veo = ProviderTests.videoModel("veo-3.1", provider: "replicate", path: "google/veo-3.1", defaults: ["generate_audio": .bool(false)])
    static let kling = ProviderTests.videoModel(
        "kling-v2.1", provider: "replicate", path: "kwaivgi/kling-v2.1", defaults: ["mode": .string("standard")])
    static let hailuo = ProviderTests.videoModel("hailuo-02", provider: "replicate", path: "minimax/hailuo-02")
    static let imagen = CatalogModel(id: "imagen-4", provider: "replicate", path: "google/imagen-4", kind: .image)

    func provider(
        _ base: String, retry: RetryPolicy = ProviderTests.retry, deadline: Duration = .seconds(60),
        requestTimeout: Duration = .seconds(30), cache: any UploadCache = MemoryUploadCache()
    ) -> ReplicateProvider {
        ReplicateProvider(
            apiKey: "test-token", baseURL: base + "/", client: ProviderTests.client, retry: retry,
            pollInterval: .milliseconds(5), deadline: deadline, requestTimeout: requestTimeout, uploadCache: cache)
    }

    @Test func veoVideoIsCreatedPolledAndDownloaded() async throws {
        let directory = try TemporaryDirectory()
        let progress = ProgressLog()
        try await FakeReplicateServer.run { fake, base in
            let image = try TestMedia.referenceImage(in: directory.path)
            let request = VideoGenerationRequest(
                prompt: "a fox at dawn", model: Self.veo, duration: 8, aspectRatio: "16:9",
                resolution: "1080p", image: image, seed: 42, negativePrompt: "blur")
            let result = try await provider(base).generateVideo(request, context: progress.context(directory.path))

            let creates = await fake.requests(.create)
            #expect(creates.count == 1)
            #expect(creates.first?.path == "/v1/models/google/veo-3.1/predictions")
            #expect(creates.first?.headers["authorization"] == "Bearer test-token")
            #expect(
                creates.first?.json == [
                    "input": [
                        "prompt": "a fox at dawn", "aspect_ratio": "16:9", "duration": 8, "resolution": "1080p",
                        "image": "https://api.replicate.com/v1/files/file1", "negative_prompt": "blur", "seed": 42, "generate_audio": false,
                    ]
                ])
            let upload = try #require(await fake.requests(.upload).first)
            #expect(upload.headers["content-type"]?.hasPrefix("multipart/form-data") == true)
            #expect(upload.text.contains("name=\"content\"; filename=\"reference.png\""))
            #expect(await fake.count(.poll) == 2)
            #expect(await fake.count(.cancel) == 0)
            #expect(result.providerJobID == "pred1")
            #expect(result.computeSeconds == 4.25)
            // The key is not sent to the output's host.
            #expect(await fake.requests(.output).map { $0.headers["authorization"] } == [nil])
            expectFile(result.file, equals: try await TestMedia.video.value, extension: "mp4", in: directory.path)
            #expect(progress.stages.first == "uploading")
            #expect(progress.stages.contains("generating"))
            #expect(progress.stages.last == "downloading")
        }
    }

    @Test func aReferenceImageIsUploadedOnceForTwoGenerations() async throws {
        let directory = try TemporaryDirectory()
        try await FakeReplicateServer.run { fake, base in
            let provider = provider(base)
            let image = try TestMedia.referenceImage(in: directory.path)
            let request = VideoGenerationRequest(prompt: "a fox", model: Self.kling, duration: 5, aspectRatio: "16:9", image: image)
            _ = try await provider.generateVideo(request, context: GenerationContext(workDirectory: directory.path))
            await fake.set(statuses: ["processing", "succeeded"])
            _ = try await provider.generateVideo(request, context: GenerationContext(workDirectory: directory.path))
            #expect(await fake.count(.upload) == 1)
            let inputs = await fake.requests(.create).map { $0.json?["input"]?["start_image"] }
            #expect(inputs == [.string("https://api.replicate.com/v1/files/file1"), .string("https://api.replicate.com/v1/files/file1")])
        }
    }

    @Test func klingAndHailuoGetTheirOwnInputNames() async throws {
        let directory = try TemporaryDirectory()
        try await FakeReplicateServer.run { fake, base in
            let image = try TestMedia.referenceImage(in: directory.path)
            let context = GenerationContext(workDirectory: directory.path)
            let provider = provider(base)
            _ = try await provider.generateVideo(
                VideoGenerationRequest(prompt: "p1", model: Self.kling, duration: 10, aspectRatio: "16:9", image: image, negativePrompt: "n"),
                context: context)
            _ = try await provider.generateVideo(
                VideoGenerationRequest(prompt: "p2", model: Self.hailuo, duration: 6, aspectRatio: "16:9", resolution: "768p", image: image),
                context: context)
            _ = try await provider.generateVideo(
                VideoGenerationRequest(prompt: "p3", model: Self.kling, duration: 5, aspectRatio: "16:9", resolution: "1080p", image: image),
                context: context)
            let creates = await fake.requests(.create)
            #expect(
                creates.map(\.path) == [
                    "/v1/models/kwaivgi/kling-v2.1/predictions", "/v1/models/minimax/hailuo-02/predictions",
                    "/v1/models/kwaivgi/kling-v2.1/predictions",
                ])
            // Kling's 1080p is its pro mode.
            #expect(creates.last?.json?["input"]?["mode"] == "pro")
            let file = JSONValue.string("https://api.replicate.com/v1/files/file1")
            #expect(
                creates.first?.json == ["input": ["prompt": "p1", "start_image": file, "duration": 10, "negative_prompt": "n", "mode": "standard"]])
            #expect(creates[1].json == ["input": ["prompt": "p2", "first_frame_image": file, "duration": 6, "resolution": "768p"]])
        }
    }

    @Test func imagenImageIsAPNG() async throws {
        let directory = try TemporaryDirectory()
        try await FakeReplicateServer.run { fake, base in
            await fake.set(output: TestMedia.png, name: "output.png", contentType: "image/png", asList: true)
            let result = try await provider(base).generateImage(
                ImageGenerationRequest(prompt: "a portrait", model: Self.imagen, aspectRatio: "9:16"),
                context: GenerationContext(workDirectory: directory.path))
            let create = try #require(await fake.requests(.create).first)
            #expect(create.path == "/v1/models/google/imagen-4/predictions")
            #expect(create.json == ["input": ["prompt": "a portrait", "aspect_ratio": "9:16", "output_format": "png"]])
            expectFile(result.file, equals: TestMedia.png, extension: "png", in: directory.path)
        }
    }

    @Test func aRateLimitedPollWaitsForRetryAfterThenSucceeds() async throws {
        let directory = try TemporaryDirectory()
        try await FakeReplicateServer.run { fake, base in
            await fake.script(.poll, .json(["detail": "Request was throttled."], status: 429, headers: ["Retry-After": "1"]))
            let result = try await provider(base).generateVideo(
                VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9"),
                context: GenerationContext(workDirectory: directory.path))
            #expect(result.providerJobID == "pred1")
            let polls = await fake.requests(.poll)
            #expect(polls.count == 3)
            // The retry came no sooner than the server asked (1 s), not after the policy's 1 ms.
            if polls.count >= 2 { #expect(polls[1].receivedAt - polls[0].receivedAt >= .milliseconds(950)) }
        }
    }

    @Test func pollsOutlastAnOutageLongerThanTheRetryPolicy() async throws {
        let directory = try TemporaryDirectory()
        try await FakeReplicateServer.run { fake, base in
            let unavailable = FakeResponse.json(["detail": "Service Unavailable"], status: 503)
            await fake.script(.poll, unavailable, unavailable, unavailable, unavailable, unavailable, unavailable)
            // Four attempts per call, six failures in a row: the paid prediction is still collected.
            let result = try await provider(base).generateVideo(
                VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9"),
                context: GenerationContext(workDirectory: directory.path))
            #expect(result.providerJobID == "pred1")
            #expect(await fake.count(.poll) == 8)
            #expect(await fake.count(.cancel) == 0)
        }
    }

    @Test func aHungPollTimesOutAndIsRetried() async throws {
        let directory = try TemporaryDirectory()
        try await FakeReplicateServer.run { fake, base in
            // Generous enough for the create on a loaded machine (2 s was not, under a
            // parallel build); the hang outlasts it.
            await fake.script(.poll, .hang(.seconds(20), then: .json(["detail": "late"], status: 500)))
            let result = try await provider(base, requestTimeout: .seconds(15)).generateVideo(
                VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9"),
                context: GenerationContext(workDirectory: directory.path))
            #expect(result.providerJobID == "pred1")
            #expect(await fake.count(.poll) == 3)
        }
    }

    @Test func a503OnCreateIsRetriedButA500IsNot() async throws {
        let directory = try TemporaryDirectory()
        let request = VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9")
        try await FakeReplicateServer.run { fake, base in
            await fake.script(.create, .json(["detail": "unavailable"], status: 503))
            _ = try await provider(base).generateVideo(request, context: GenerationContext(workDirectory: directory.path))
            #expect(await fake.count(.create) == 2)
        }
        try await FakeReplicateServer.run { fake, base in
            await fake.script(.create, .json(["detail": "internal error"], status: 500))
            let error = await providerError {
                _ = try await provider(base).generateVideo(request, context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == .upstreamUnavailable)
            #expect(error?.mayHaveBeenAccepted == true)
            #expect(await fake.count(.create) == 1)
        }
    }

    @Test func aRefusedConnectionIsUnaccepted() async throws {
        let directory = try TemporaryDirectory()
        let error = await providerError {
            _ = try await provider("http://127.0.0.1:1", retry: ProviderTests.noRetry).generateVideo(
                VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9"),
                context: GenerationContext(workDirectory: directory.path))
        }
        #expect(error?.kind == .upstreamUnavailable)
        #expect(error?.mayHaveBeenAccepted == false)
    }

    static let statusCases: [(Int, JSONValue, [String: String], ProviderError.Kind, String)] = [
        (401, ["title": "Unauthenticated", "detail": "You did not pass a valid authentication token"], [:], .authentication, "Unauthenticated"),
        (
            402, ["title": "Insufficient credit", "detail": "You have insufficient credit to run this model."], [:], .insufficientCredit,
            "insufficient credit"
        ),
        (403, ["title": "Forbidden", "detail": "You do not have permission"], [:], .authentication, "permission"),
        (404, ["title": "Not found", "detail": "The requested resource could not be found."], [:], .validation, "could not be found"),
        (
            422,
            [
                "title": "Input validation failed",
                "invalid_fields": [
                    [
                        "type": "enum", "field": "input.aspect_ratio",
                        "description": "aspect_ratio must be one of the following: \"16:9\", \"9:16\"",
                    ]
                ],
            ],
            [:], .validation, "input.aspect_ratio: aspect_ratio must be one of"
        ),
        (429, ["detail": "Request was throttled. Your rate limit resets in ~30s."], ["Retry-After": "7"], .rateLimited, "throttled"),
        (408, ["detail": "timeout"], [:], .timeout, "timeout"),
        (500, ["detail": "boom"], [:], .upstreamUnavailable, "boom"),
        (502, ["detail": "bad gateway"], [:], .upstreamUnavailable, "bad gateway"),
        (503, ["detail": "unavailable"], [:], .upstreamUnavailable, "unavailable"),
        (504, ["detail": "gateway timeout"], [:], .timeout, "gateway timeout"),
    ]

    @Test(arguments: statusCases.indices)
    func createErrorsMapToKinds(_ index: Int) async throws {
        let (status, body, headers, kind, message) = Self.statusCases[index]
        let directory = try TemporaryDirectory()
        try await FakeReplicateServer.run { fake, base in
            await fake.script(.create, .json(body, status: status, headers: headers))
            let error = await providerError {
                _ = try await provider(base, retry: ProviderTests.noRetry).generateVideo(
                    VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9"),
                    context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == kind)
            #expect(error?.status == status)
            #expect(error?.provider == "replicate")
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            #expect(error?.mayHaveBeenAccepted == ([500, 502, 504].contains(status)))
            if status == 429 { #expect(error?.retryAfter == .seconds(7)) }
        }
    }

    @Test func throttledWithoutRetryAfterReadsTheResetDelay() async throws {
        let directory = try TemporaryDirectory()
        try await FakeReplicateServer.run { fake, base in
            await fake.script(.create, .json(["detail": "Request was throttled. Your rate limit resets in ~30s."], status: 429))
            let error = await providerError {
                _ = try await provider(base, retry: ProviderTests.noRetry).generateVideo(
                    VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9"),
                    context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.retryAfter == .seconds(30))
        }
    }

    @Test func aFlaggedPredictionIsContentFlaggedAndAFailedOneGenerationFailed() async throws {
        let directory = try TemporaryDirectory()
        let request = VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9")
        try await FakeReplicateServer.run { fake, base in
            await fake.set(statuses: ["processing", "failed"])
            let flagged = await providerError {
                _ = try await provider(base).generateVideo(request, context: GenerationContext(workDirectory: directory.path))
            }
            #expect(flagged?.kind == .contentFlagged)
            #expect(flagged?.message.contains("E005") == true)

            await fake.set(failureError: "CUDA out of memory")
            await fake.set(statuses: ["failed"])
            let failed = await providerError {
                _ = try await provider(base).generateVideo(request, context: GenerationContext(workDirectory: directory.path))
            }
            #expect(failed?.kind == .generationFailed)
            #expect(await fake.count(.cancel) == 0)
            #expect(await fake.count(.output) == 0)
        }
    }

    @Test func canceledAndAbortedPredictionsFail() async throws {
        let directory = try TemporaryDirectory()
        let request = VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9")
        try await FakeReplicateServer.run { fake, base in
            await fake.set(statuses: ["canceled"])
            let canceled = await providerError {
                _ = try await provider(base).generateVideo(request, context: GenerationContext(workDirectory: directory.path))
            }
            #expect(canceled?.kind == .generationFailed)
            await fake.set(statuses: ["aborted"])
            let aborted = await providerError {
                _ = try await provider(base).generateVideo(request, context: GenerationContext(workDirectory: directory.path))
            }
            #expect(aborted?.kind == .upstreamUnavailable)
            #expect(await fake.count(.cancel) == 0)
        }
    }

    @Test func malformedJSONIsABadResponse() async throws {
        let directory = try TemporaryDirectory()
        let request = VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9")
        try await FakeReplicateServer.run { fake, base in
            await fake.script(.create, .raw("{\"id\": \"pred1\", \"status\": ", status: 201))
            let onCreate = await providerError {
                _ = try await provider(base).generateVideo(request, context: GenerationContext(workDirectory: directory.path))
            }
            #expect(onCreate?.kind == .badResponse)
            #expect(await fake.count(.create) == 1)

            await fake.script(.poll, .raw("<html>oops</html>", contentType: "text/html"))
            let onPoll = await providerError {
                _ = try await provider(base).generateVideo(request, context: GenerationContext(workDirectory: directory.path))
            }
            #expect(onPoll?.kind == .badResponse)
            // The prediction was abandoned: it is cancelled upstream.
            #expect(await fake.count(.cancel) == 1)
        }
    }

    @Test func anExpiredOutputURLIsABadResponse() async throws {
        let directory = try TemporaryDirectory()
        try await FakeReplicateServer.run { fake, base in
            await fake.script(.output, .raw("not found", status: 404, contentType: "text/plain"))
            let error = await providerError {
                _ = try await provider(base).generateVideo(
                    VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9"),
                    context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == .badResponse)
            #expect(error?.status == 404)
            #expect(error?.message.contains("expired") == true)
            #expect(await fake.count(.output) == 1)
            #expect(directory.contents().isEmpty)
        }
    }

    @Test func aPredictionThatNeverFinishesTimesOutAndIsCancelled() async throws {
        let directory = try TemporaryDirectory()
        try await FakeReplicateServer.run { fake, base in
            await fake.set(statuses: ["processing"])
            let error = await providerError {
                _ = try await provider(base, deadline: .milliseconds(300)).generateVideo(
                    VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9"),
                    context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.kind == .timeout)
            let cancels = await fake.requests(.cancel)
            #expect(cancels.map(\.path) == ["/v1/predictions/pred1/cancel"])
            #expect(cancels.first?.headers["authorization"] == "Bearer test-token")
        }
    }

    @Test func cancellingTheTaskCancelsThePrediction() async throws {
        let directory = try TemporaryDirectory()
        try await FakeReplicateServer.run { fake, base in
            await fake.set(statuses: ["processing"])
            let provider = provider(base)
            let task = Task {
                try await provider.generateVideo(
                    VideoGenerationRequest(prompt: "p", model: Self.veo, duration: 4, aspectRatio: "16:9"),
                    context: GenerationContext(workDirectory: directory.path))
            }
            try await waitUntil { await fake.count(.poll) >= 2 }
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(await fake.requests(.cancel).map(\.path) == ["/v1/predictions/pred1/cancel"])
        }
    }
}
