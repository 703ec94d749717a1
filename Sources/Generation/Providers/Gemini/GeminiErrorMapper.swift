/// Gemini's `{"error":{code,message,status,details[]}}` in our terms: a bad key is a 400
/// with reason API_KEY_INVALID, a 429 carries `RetryInfo.retryDelay` ("19s").
enum GeminiErrorMapper {
    static func error(_ response: HTTPResponse, phase: RemoteCallPhase) -> ProviderError {
        let error = JSONValue.parse(response.body)?["error"]
        let details = error?["details"]?.array ?? []
        let reasons = details.compactMap { $0["reason"]?.string }
        let retryDelay = details.lazy.compactMap { $0["retryDelay"]?.string }.first.flatMap { Duration(retryAfter: $0) }
        let message = [error?["status"]?.string, error?["message"]?.string].compactMap { $0 }.joined(separator: ": ")
        let kind: ProviderError.Kind? = reasons.contains("API_KEY_INVALID") ? .authentication : nil
        return HTTPStatusMeaning.error(
            status: response.status, phase: phase, provider: GeminiScenePlanner.name,
            detail: message.isEmpty ? response.text(limit: 300) : message, kind: kind,
            retryAfter: retryDelay ?? response.retryAfter)
    }

    /// A message that says the safety filters blocked the request.
    static func isSafetyBlock(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return ["safety", "blocked", "responsible ai", "usage guidelines", "violat"].contains { lowered.contains($0) }
    }
}
