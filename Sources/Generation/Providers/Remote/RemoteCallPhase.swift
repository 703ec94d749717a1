/// Which call of a provider's protocol failed: the same status means different things
/// (a 404 on a create names an unknown model; on a poll it is the provider losing track
/// of its own job), and only a create is unsafe to repeat.
enum RemoteCallPhase: String, Sendable {
    /// Starts paid work (create a prediction, submit to a queue, start an operation).
    case create
    /// Uploads an input file; repeating it only leaves an unused copy upstream.
    case upload
    /// A planner call: no upstream state, a repeat costs only tokens.
    case plan
    case poll
    case result
    case cancel
    /// Fetches an output from the provider's storage (a URL it gave us).
    case download

    /// A create must not run twice (it is paid twice): it is retried only when the
    /// provider cannot have accepted it. Everything else is safe to repeat.
    var isRetryable: @Sendable (any Error) -> Bool {
        self == .create ? RetryPolicy.isUnacceptedTransient : RetryPolicy.isTransient
    }
}
