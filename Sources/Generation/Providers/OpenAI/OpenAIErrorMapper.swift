/// OpenAI-compatible errors (`{"error":{message,type,code}}`) in our terms. OpenAI answers
/// an exhausted quota with 429 `insufficient_quota`: that is credit, not throttling.
enum OpenAIErrorMapper {
    static func error(_ response: HTTPResponse, phase: RemoteCallPhase) -> ProviderError {
        let body = JSONValue.parse(response.body)
        let error = body?["error"]
        let code = error?["code"]?.string ?? error?["type"]?.string
        let message = error?["message"]?.string ?? body?["message"]?.string ?? body?["detail"]?.string ?? response.text(limit: 300)
        let kind: ProviderError.Kind? = response.status == 429 && code == "insufficient_quota" ? .insufficientCredit : nil
        return HTTPStatusMeaning.error(
            status: response.status, phase: phase, provider: OpenAIScenePlanner.name,
            detail: [code, message].compactMap { $0 }.joined(separator: ": "), kind: kind,
            retryAfter: response.retryAfter)
    }
}
