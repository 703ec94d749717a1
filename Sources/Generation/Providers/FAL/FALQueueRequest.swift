/// The URLs of one request in FAL's queue. Status, result and cancel live under the
/// endpoint's app id (its first two path components) — `fal-ai/kling-video`, not the
/// full `fal-ai/kling-video/v2.1/standard/image-to-video` — unless the submit answer
/// names them, which is preferred.
struct FALQueueRequest: Sendable {
    var id: String
    var statusURL: String
    var responseURL: String
    var cancelURL: String

    init?(submitAnswer json: JSONValue, baseURL: String, endpoint: String) {
        guard let id = json["request_id"]?.string, !id.isEmpty else { return nil }
        let app = endpoint.split(separator: "/").prefix(2).joined(separator: "/")
        let requestBase = "\(baseURL)/\(app)/requests/\(id)"
        self.id = id
        let status = json["status_url"]?.string ?? requestBase + "/status"
        statusURL = status.contains("logs=") ? status : status + (status.contains("?") ? "&" : "?") + "logs=1"
        responseURL = json["response_url"]?.string ?? requestBase
        cancelURL = json["cancel_url"]?.string ?? requestBase + "/cancel"
    }
}
