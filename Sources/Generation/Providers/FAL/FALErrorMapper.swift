/// FAL's errors (`detail` as text or as `[{loc, msg, type}]`, `error`/`error_type` on a
/// completed request) in our terms.
enum FALErrorMapper {
    static func error(_ response: HTTPResponse, phase: RemoteCallPhase) -> ProviderError {
        let body = JSONValue.parse(response.body)
        let detail = describe(body) ?? response.text(limit: 300)
        let kind: ProviderError.Kind? =
            switch response.status {
            // FAL answers 403 when the account's balance is exhausted ("User is locked. Reason: Exhausted balance").
            case 403: .insufficientCredit
            case 400, 422: isContentPolicy(body, text: detail) ? .contentFlagged : nil
            default: nil
            }
        return HTTPStatusMeaning.error(
            status: response.status, phase: phase, provider: FALProvider.name, detail: detail, kind: kind,
            retryAfter: response.retryAfter)
    }

    /// "body.prompt: field required; ..." from a validation list, or the text of `detail`.
    static func describe(_ body: JSONValue?) -> String? {
        switch body?["detail"] {
        case .string(let text): return text
        case .array(let items):
            let lines = items.map { item -> String in
                let location = (item["loc"]?.array ?? []).map { $0.string ?? $0.number.map { String(Int($0)) } ?? "?" }.joined(separator: ".")
                let message = item["msg"]?.string ?? item["type"]?.string ?? "invalid"
                return location.isEmpty ? message : "\(location): \(message)"
            }
            return lines.joined(separator: "; ")
        default:
            return body?["error"]?.string ?? body?["message"]?.string
        }
    }

    static func isContentPolicy(_ body: JSONValue?, text: String) -> Bool {
        let types = (body?["detail"]?.array ?? []).compactMap { $0["type"]?.string } + [body?["error_type"]?.string].compactMap { $0 }
        return types.contains { $0.contains("content_policy") } || mentionsContentPolicy(text)
    }

    static func mentionsContentPolicy(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return ["content policy", "content_policy", "content checker", "nsfw", "flagged"].contains { lowered.contains($0) }
    }

    /// A request that COMPLETED with an error.
    static func failure(error: String?, errorType: String?, requestID: String) -> ProviderError {
        let message = [errorType, error].compactMap { $0 }.joined(separator: ": ")
        let flagged = (errorType?.contains("content_policy") ?? false) || mentionsContentPolicy(message)
        return ProviderError(
            flagged ? .contentFlagged : .generationFailed,
            "request \(requestID) failed: \(message.isEmpty ? "no error message" : message)",
            provider: FALProvider.name, mayHaveBeenAccepted: true)
    }
}
