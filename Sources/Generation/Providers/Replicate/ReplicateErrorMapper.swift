import Foundation

/// Replicate's problem+json errors (`title`, `detail`, `invalid_fields`) in our terms.
enum ReplicateErrorMapper {
    static func error(_ response: HTTPResponse, phase: RemoteCallPhase) -> ProviderError {
        let body = JSONValue.parse(response.body)
        var parts: [String] = []
        for key in ["title", "detail"] {
            if let text = body?[key]?.string, !text.isEmpty, !parts.contains(text) { parts.append(text) }
        }
        // 422: `invalid_fields: [{type, field, description}]` names what the model refused.
        for field in body?["invalid_fields"]?.array ?? [] {
            let name = field["field"]?.string ?? "input"
            let why = field["description"]?.string ?? field["type"]?.string ?? "invalid"
            parts.append("\(name): \(why)")
        }
        if parts.isEmpty { parts.append(response.text(limit: 300)) }
        var retryAfter = response.retryAfter
        if response.status == 429, retryAfter == nil, let detail = body?["detail"]?.string {
            retryAfter = resetDelay(in: detail)
        }
        return HTTPStatusMeaning.error(
            status: response.status, phase: phase, provider: ReplicateProvider.name,
            detail: parts.joined(separator: "; "), retryAfter: retryAfter)
    }

    /// "Request was throttled. Your rate limit resets in ~30s." → 30 s.
    static func resetDelay(in detail: String) -> Duration? {
        guard let range = detail.range(of: #"~?\d+(\.\d+)?s\b"#, options: .regularExpression) else { return nil }
        return Duration(retryAfter: String(detail[range]).replacingOccurrences(of: "~", with: ""))
    }

    /// A prediction that ended `failed`: flagged content or a model failure.
    static func failure(_ error: String?, predictionID: String) -> ProviderError {
        let message = error ?? "the prediction failed without an error message"
        let lowered = message.lowercased()
        let flagged = lowered.contains("flagged as sensitive") || lowered.contains("e005") || lowered.contains("nsfw")
        return ProviderError(
            flagged ? .contentFlagged : .generationFailed, "prediction \(predictionID) failed: \(message)",
            provider: ReplicateProvider.name, mayHaveBeenAccepted: true)
    }
}
