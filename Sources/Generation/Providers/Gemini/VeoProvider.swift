import Foundation

/// Videos from Veo through the Gemini API: start a long-running operation
/// (`models/{model}:predictLongRunning`), poll it, download the sample with the key.
public struct VeoProvider: VideoProvider {
    public static let name = GeminiScenePlanner.name
    public static let defaultBaseURL = GeminiScenePlanner.defaultBaseURL
    /// Google's documented pace; generations take one to several minutes.
    public static let defaultPollInterval: Duration = .seconds(10)

    let baseURL: String
    let apiKey: String
    let api: ProviderAPI
    let downloader: OutputDownloader
    let pollInterval: Duration
    let deadline: Duration

    /// - Parameters:
    ///   - apiKey: `GEMINI_API_KEY` (sent as `x-goog-api-key`; as `key=` in the query of the download).
    ///   - deadline: the longest an operation may run once started (the download is not counted); then it is
    ///     cancelled and the call fails with `.timeout`.
    public init(
        apiKey: String, baseURL: String = VeoProvider.defaultBaseURL, client: any HTTPClient,
        retry: RetryPolicy = RetryPolicy(), pollInterval: Duration = VeoProvider.defaultPollInterval,
        deadline: Duration = .seconds(20 * 60), requestTimeout: Duration = .seconds(60)
    ) {
        self.baseURL = baseURL.trimmingTrailingSlashes
        self.apiKey = apiKey
        api = ProviderAPI(
            provider: Self.name, client: client, retry: retry, requestTimeout: requestTimeout,
            headers: [("x-goog-api-key", apiKey)], mapError: GeminiErrorMapper.error)
        downloader = OutputDownloader(provider: Self.name, baseURL: self.baseURL, client: client, retry: retry)
        self.pollInterval = pollInterval
        self.deadline = deadline
    }

    public func generateVideo(_ request: VideoGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
        context.progress("submitting", nil)
        let model = GeminiScenePlanner.modelName(request.model)
        var instance: [String: JSONValue] = ["prompt": .string(request.prompt)]
        if let image = request.image {
            let data = try image.contents(provider: Self.name)
            instance["image"] = ["bytesBase64Encoded": .string(data.base64EncodedString()), "mimeType": .string(image.mimeType)]
        }
        var parameters = ModelInput(defaults: request.model.defaults)
        parameters.set("aspectRatio", request.aspectRatio)
        parameters.set("durationSeconds", JSONValue.number(request.duration))
        parameters.set("resolution", request.resolution)
        parameters.set("negativePrompt", request.negativePrompt)
        let body: JSONValue = ["instances": [.object(instance)], "parameters": parameters.json]
        let answer = try await api.sendJSON(try api.request(.post, "\(baseURL)/models/\(model):predictLongRunning", json: body), phase: .create)
        guard let name = answer["name"]?.string, !name.isEmpty else { throw api.badResponse("the operation has no name") }
        let videoURL = try await awaitUpstream(
            jobID: "operation \(name)", provider: Self.name, deadline: deadline,
            cancel: { [api, baseURL] in await api.cancel(.post, "\(baseURL)/\(name):cancel") },
            wait: { try await waitForVideo(name, context: context) })
        context.progress("downloading", nil)
        // The key goes in the query, not a header: libcurl carries custom headers along a
        // redirect to another host (the download redirects to storage), never the old query.
        // And only to Gemini's own host: a sample elsewhere is fetched without it.
        let separator = videoURL.contains("?") ? "&" : "?"
        let key = apiKey.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "-._~").union(.alphanumerics)) ?? apiKey
        let keyed = downloader.isProviderHost(videoURL) ? videoURL + separator + "key=" + key : videoURL
        let file = try await downloader.download(keyed, context: context)
        return GeneratedFile(file: file, providerJobID: name)
    }

    private func waitForVideo(_ name: String, context: GenerationContext) async throws -> String {
        while true {
            context.progress("generating", nil)
            try await Task.sleep(for: pollInterval)
            let operation = try await api.sendJSON(try api.request(.get, "\(baseURL)/\(name)"), phase: .poll, retry: api.pollRetry)
            guard operation["done"]?.bool == true else { continue }
            if let error = operation["error"] {
                let message = error["message"]?.string ?? "no message"
                let kind: ProviderError.Kind = GeminiErrorMapper.isSafetyBlock(message) ? .contentFlagged : .generationFailed
                throw UpstreamFinished(
                    error: ProviderError(
                        kind, "operation \(name) failed: \(message)", provider: Self.name,
                        mayHaveBeenAccepted: true))
            }
            let response = operation["response"]?["generateVideoResponse"]
            if let uri = response?["generatedSamples"]?[0]?["video"]?["uri"]?.string, !uri.isEmpty { return uri }
            if let reasons = response?["raiMediaFilteredReasons"]?.array, !reasons.isEmpty {
                let text = reasons.compactMap(\.string).joined(separator: "; ")
                throw UpstreamFinished(
                    error: ProviderError(
                        .contentFlagged, "operation \(name) was filtered: \(text)", provider: Self.name,
                        mayHaveBeenAccepted: true))
            }
            throw UpstreamFinished(error: api.badResponse("operation \(name) finished without a video"))
        }
    }
}
