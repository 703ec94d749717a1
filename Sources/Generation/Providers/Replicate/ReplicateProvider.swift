import Foundation

/// Videos and images from Replicate: create a prediction on the model
/// (`POST /v1/models/{owner}/{name}/predictions`), poll it, download its output.
public struct ReplicateProvider: VideoProvider, ImageProvider {
    public static let name = "replicate"
    public static let defaultBaseURL = "https://api.replicate.com"
    /// The official clients' pace.
    public static let defaultPollInterval: Duration = .milliseconds(500)

    let baseURL: String
    let api: ProviderAPI
    let downloader: OutputDownloader
    let uploader: ReplicateFileUploader
    let pollInterval: Duration
    let deadline: Duration

    /// - Parameters:
    ///   - apiKey: `REPLICATE_API_TOKEN`.
    ///   - deadline: the longest a prediction may run upstream once created (the download is not counted); then it
    ///     is cancelled upstream and the call fails with `.timeout`.
    ///   - requestTimeout: for each API call (a hung call is retried like any transient failure).
    public init(
        apiKey: String, baseURL: String = ReplicateProvider.defaultBaseURL, client: any HTTPClient,
        retry: RetryPolicy = RetryPolicy(), pollInterval: Duration = ReplicateProvider.defaultPollInterval,
        deadline: Duration = .seconds(20 * 60), requestTimeout: Duration = .seconds(60),
        uploadCache: any UploadCache = MemoryUploadCache()
    ) {
        self.baseURL = baseURL.trimmingTrailingSlashes
        api = ProviderAPI(
            provider: Self.name, client: client, retry: retry, requestTimeout: requestTimeout,
            headers: [("Authorization", "Bearer \(apiKey)")], mapError: ReplicateErrorMapper.error)
        downloader = OutputDownloader(provider: Self.name, baseURL: self.baseURL, client: client, retry: retry)
        uploader = ReplicateFileUploader(api: api, baseURL: self.baseURL, cache: uploadCache)
        self.pollInterval = pollInterval
        self.deadline = deadline
    }

    public func generateVideo(_ request: VideoGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
        var imageURL: String?
        if let image = request.image {
            context.progress("uploading", nil)
            imageURL = try await uploader.url(for: image)
        }
        return try await run(modelPath: request.model.path, input: ReplicateInput.video(request, imageURL: imageURL), context: context)
    }

    public func generateImage(_ request: ImageGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
        try await run(modelPath: request.model.path, input: ReplicateInput.image(request), context: context)
    }

    private func run(modelPath: String, input: JSONValue, context: GenerationContext) async throws -> GeneratedFile {
        context.progress("submitting", nil)
        let created = try await create(modelPath: modelPath, input: input)
        let id = created.id
        let finished = try await awaitUpstream(
            jobID: "prediction \(id)", provider: Self.name, deadline: deadline,
            cancel: { [api, baseURL] in await api.cancel(.post, "\(baseURL)/v1/predictions/\(id)/cancel") },
            wait: { try await poll(created, context: context) })
        guard let outputURL = finished.outputURL, !outputURL.isEmpty else {
            throw api.badResponse("prediction \(id) succeeded without an output URL")
        }
        context.progress("downloading", nil)
        let file = try await downloader.download(outputURL, context: context)
        return GeneratedFile(file: file, providerJobID: id, computeSeconds: finished.predictTime)
    }

    /// An official model is `owner/name`; a pinned version `owner/name:version` goes to `/v1/predictions`.
    private func create(modelPath: String, input: JSONValue) async throws -> ReplicatePrediction {
        let request: HTTPRequest
        if let colon = modelPath.firstIndex(of: ":") {
            let version = String(modelPath[modelPath.index(after: colon)...])
            request = try api.request(.post, baseURL + "/v1/predictions", json: ["version": .string(version), "input": input])
        } else {
            let parts = modelPath.split(separator: "/")
            guard parts.count == 2 else {
                throw ProviderError(.validation, "Replicate model path \"\(modelPath)\" is not owner/name", provider: Self.name)
            }
            request = try api.request(.post, "\(baseURL)/v1/models/\(parts[0])/\(parts[1])/predictions", json: ["input": input])
        }
        let json = try await api.sendJSON(request, phase: .create)
        guard let prediction = ReplicatePrediction(json) else {
            throw api.badResponse(
                "the create answer is not a prediction: \(String(decoding: (try? json.encoded()) ?? Data(), as: UTF8.self).prefix(200))")
        }
        return prediction
    }

    /// Polls until the prediction ends; a failed one throws `UpstreamFinished`.
    private func poll(_ created: ReplicatePrediction, context: GenerationContext) async throws -> ReplicatePrediction {
        var prediction = created
        while true {
            switch prediction.status {
            case .succeeded:
                return prediction
            case .failed:
                throw UpstreamFinished(error: ReplicateErrorMapper.failure(prediction.error, predictionID: prediction.id))
            case .canceled:
                throw UpstreamFinished(
                    error: ProviderError(
                        .generationFailed, "prediction \(prediction.id) was canceled upstream",
                        provider: Self.name, mayHaveBeenAccepted: true))
            case .aborted:
                // Ended before the model ran (Replicate's own deadline or capacity): nothing was made.
                throw UpstreamFinished(
                    error: ProviderError(
                        .upstreamUnavailable, "prediction \(prediction.id) was aborted upstream before it ran",
                        provider: Self.name, mayHaveBeenAccepted: true))
            case .starting:
                context.progress("queued", nil)
            case .processing:
                context.progress("generating", nil)
            }
            try await Task.sleep(for: pollInterval)
            let json = try await api.sendJSON(try api.request(.get, "\(baseURL)/v1/predictions/\(prediction.id)"), phase: .poll, retry: api.pollRetry)
            guard let next = ReplicatePrediction(json), next.id == prediction.id else {
                throw api.badResponse("the poll of prediction \(prediction.id) answered something that is not that prediction")
            }
            prediction = next
        }
    }
}
