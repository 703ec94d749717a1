import Foundation
import HTTPTypes

/// Which scope a request needs: every `/api` route and `/metrics` ask for a key, `/health`
/// shows its detail only to an admin key or the metrics token. Paths are compared by their non-empty segments,
/// percent-decoded and lower-cased, so `/api//%6Beys` is judged as `/api/keys` whatever
/// the router makes of it; a request under `/api` that no rule names
/// needs `admin` (a route added without a rule here is closed, not open).
enum RouteScopes {
    enum Requirement: Equatable {
        /// Not an API route (`/health/live`, `/openapi.yaml`): no key asked for.
        case open
        /// Any one of these scopes (admin always qualifies).
        case anyOf(Set<APIKeyScope>)
        /// `/metrics`: an admin key, or the scraper's token (MERGE_SERVER_METRICS_TOKEN).
        case adminOrMetricsToken
        /// `/health`: open, but the detailed report only for an admin key or the metrics token.
        case openWithOperatorDetail
    }

    static let renderPosts: Set<String> = ["merge_videos", "analyze_audio"]
    static let generationPosts: Set<String> = ["create_scenes", "generate_character_reference", "generate_video", "music_video"]

    static func requirement(method: HTTPRequest.Method, path: String) -> Requirement {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map {
            ($0.removingPercentEncoding ?? String($0)).lowercased()
        }
        if segments == ["metrics"] { return .adminOrMetricsToken }
        if segments == ["health"] { return .openWithOperatorDetail }
        guard segments.first == "api" else { return .open }
        let rest = Array(segments.dropFirst())
        // Dot segments could name another route if anything on the way resolved them.
        if rest.contains(where: { $0 == "." || $0 == ".." }) { return .anyOf([.admin]) }
        // A key's own webhook secret: any key may rotate it (KeyController refuses other ids unless admin).
        if method == .post, rest.count == 3, rest[0] == "keys", rest[2] == "webhook-secret" { return .anyOf(Set(APIKeyScope.allCases)) }
        if rest.first == "keys" || rest.first == "audit" { return .anyOf([.admin]) }
        switch method {
        case .get, .head:
            return .anyOf([.read])
        case .post where rest == ["uploads"]:
            return .anyOf([.render])
        case .post where rest.count == 2 && rest[0] == "mv" && renderPosts.contains(rest[1]):
            return .anyOf([.render])
        case .post where rest.count == 2 && rest[0] == "mv" && generationPosts.contains(rest[1]):
            return .anyOf([.generate])
        // Cancelling or retrying a job: whoever may make jobs of either kind.
        case .delete where rest.count == 2 && rest[0] == "jobs",
            .post where rest.count == 3 && rest[0] == "jobs" && rest[2] == "retry":
            return .anyOf([.render, .generate])
        case .delete where rest.count == 2 && rest[0] == "assets":
            return .anyOf([.render])
        default:
            return .anyOf([.admin])
        }
    }
}
