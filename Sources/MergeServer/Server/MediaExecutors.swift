import Media

/// The server's Media executors, sized once at start-up, so blocking FFmpeg work runs
/// on threads Media owns and never grows with the number of requests.
public struct MediaExecutors: Sendable {
    /// Renders: one thread per render worker (a render uses every core it gets).
    public let renders: MediaExecutor
    /// Probes and beat analyses (uploads, submissions, jobs): a small pool.
    public let probes: MediaExecutor
    /// Mock clips and images, made where a provider would generate: one thread per
    /// generation worker.
    public let synthesis: MediaExecutor

    public init(configuration: ServerConfiguration) {
        let engine = configuration.engine
        renders = MediaExecutor(name: "render", width: engine.workers)
        probes = MediaExecutor(name: "media", width: configuration.limits.mediaWorkerCount)
        synthesis = MediaExecutor(name: "mock", width: engine.generationWorkers > 0 ? engine.generationWorkers : engine.workers)
    }
}
