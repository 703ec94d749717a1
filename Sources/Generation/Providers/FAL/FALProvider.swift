import Foundation

/// Videos from FAL's queue API: submit to the endpoint, poll the request's status,
/// fetch its result, download the video.
public struct FALProvider: VideoProvider {
    public static let name = "fal"
    public static let defaultBaseURL = "https://queue.fal.run"
    public static let defaultPollInterval: Duration = .seconds(1)

    let baseURL: String
    let api: ProviderAPI
    let downloader: OutputDownloader
    let pollInterval: Duration
    let deadline: Duration

    /// - Parameters:
    ///   - apiKey: `FAL_KEY`.
    ///   - deadline: the longest a request may stay queued and running once submitted (the download is not counted); then it
    ///     is cancelled upstream and the call fails with `.timeout`.
    public init(
        apiKey: String, baseURL: String = FALProvider.defaultBaseURL, client: any HTTPClient,
        retry: RetryPolicy = RetryPolicy(), pollInterval: Duration = FALProvider.defaultPollInterval,
        deadline: Duration = .seconds(20 * 60), requestTimeout: Duration = .seconds(60)
    ) {
        self.baseURL = baseURL.trimmingTrailingSlashes
        api = ProviderAPI(
            provider: Self.name, client: client, retry: retry, requestTimeout: requestTimeout,
            headers: [("Authorization", "Key \(apiKey)")], mapError: FALErrorMapper.error)
        downloader = OutputDownloader(provider: Self.name, baseURL: self.baseURL, client: client, retry: retry)
        self.pollInterval = pollInterval
        self.deadline = deadline
    }

    public func generateVideo(_ request: VideoGenerationRequest, context: GenerationContext) async throws -> GeneratedFile {
        context.progress("submitting", nil)
        let endpoint = request.model.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard endpoint.split(separator: "/").count >= 2 else {
            throw ProviderError(.validation, "FAL endpoint \"\(endpoint)\" is not owner/app[/path]", provider: Self.name)
        }
        // FAL takes small inputs inline as data URIs; no upload round trip.
        let imageURL = try request.image.map(Self.dataURI)
        let submit = try api.request(.post, "\(baseURL)/\(endpoint)", json: FALInput.video(request, imageURL: imageURL))
        let answer = try await api.sendJSON(submit, phase: .create)
        guard let queued = FALQueueRequest(submitAnswer: answer, baseURL: baseURL, endpoint: endpoint) else {
            throw api.badResponse("the submit answer has no request_id")
        }
        let (videoURL, inferenceTime) = try await awaitUpstream(
            jobID: "request \(queued.id)", provider: Self.name, deadline: deadline,
            cancel: { [api] in await api.cancel(.put, queued.cancelURL) },
            wait: { try await waitForResult(queued, context: context) })
        context.progress("downloading", nil)
        let file = try await downloader.download(videoURL, context: context)
        return GeneratedFile(file: file, providerJobID: queued.id, computeSeconds: inferenceTime)
    }

    /// Polls until COMPLETED, then reads the result: the video URL and the inference time.
    private func waitForResult(_ queued: FALQueueRequest, context: GenerationContext) async throws -> (String, Double?) {
        while true {
            let status = try await api.sendJSON(try api.request(.get, queued.statusURL), phase: .poll, retry: api.pollRetry)
            switch status["status"]?.string {
            case "IN_QUEUE":
                context.progress("queued", nil)
            case "IN_PROGRESS":
                context.progress("generating", nil)
            case "COMPLETED":
                if status["error"]?.string != nil || status["error_type"]?.string != nil {
                    throw UpstreamFinished(
                        error: FALErrorMapper.failure(
                            error: status["error"]?.string, errorType: status["error_type"]?.string,
                            requestID: queued.id))
                }
                return (try await result(queued), status["metrics"]?["inference_time"]?.number)
            default:
                throw api.badResponse("the status of request \(queued.id) is unknown: \(status["status"]?.string ?? "missing")")
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    private func result(_ queued: FALQueueRequest) async throws -> String {
        let json: JSONValue
        do {
            json = try await api.sendJSON(try api.request(.get, queued.responseURL), phase: .result, retry: api.pollRetry)
        } catch let error as ProviderError where !error.isTransient {
            // The request is over (a model error surfaces here as 4xx/5xx): nothing to cancel.
            throw UpstreamFinished(error: error)
        }
        guard let url = json["video"]?["url"]?.string, !url.isEmpty else {
            throw UpstreamFinished(error: api.badResponse("the result of request \(queued.id) has no video.url"))
        }
        return url
    }

    static func dataURI(_ image: ReferenceImage) throws -> String {
        let data = try image.contents(provider: name)
        return "data:\(image.mimeType);base64,\(data.base64EncodedString())"
    }
}
