/// How much of the server's own state (`GET /health`) a request is shown, as
/// `APIKeyMiddleware` judged it.
enum OperatorAccess: Sendable, Equatable {
    /// Once keys exist, a caller without an admin key or the metrics token (a load
    /// balancer): whether the server is healthy, nothing more.
    case statusOnly
    /// A server without keys, open to local callers: the report as before keys existed
    /// (paths, disk bytes and providers only with `--verbose-health`).
    case openServer
    /// An admin key or `MERGE_SERVER_METRICS_TOKEN`: the whole report.
    case full
}
