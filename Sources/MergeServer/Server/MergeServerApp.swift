import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

public enum MergeServerApp {
    /// The router with every route and the middleware around them (outermost first:
    /// request id, metrics, request log, problem+json, the browser guard, API keys, the
    /// key's rate limit).
    /// `observer` goes outermost and sees every response as sent (the tests check each
    /// against the OpenAPI spec).
    public static func buildRouter(_ dependencies: ServerDependencies, observer: ResponseObserver? = nil) -> Router<ServerContext> {
        ServerMetrics.bootstrap()
        let configuration = dependencies.configuration
        let router = Router(context: ServerContext.self)
        if let observer { router.add(middleware: observer) }
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: ProblemMiddleware())
        router.add(
            middleware: BrowserGuardMiddleware(
                boundHost: configuration.host, publicHosts: configuration.limits.publicHosts,
                allowedOrigins: configuration.limits.allowedOrigins))
        router.add(
            middleware: APIKeyMiddleware(keys: dependencies.apiKeys, metricsToken: configuration.metricsToken, urlSigner: dependencies.urlSigner))
        router.add(middleware: RateLimitMiddleware(limiter: dependencies.rateLimiter, defaultPerMinute: configuration.defaultRatePerMinute))

        router.addRoutes(
            AssetController(
                assets: dependencies.assets, store: dependencies.store,
                maxUploadBytes: configuration.maxUploadBytes
            ).routes)
        router.addRoutes(
            AssetPeaksController(
                assets: dependencies.assets, store: dependencies.store, executor: dependencies.executors.probes, cache: PeaksCache()
            ).routes)
        let submitter = JobSubmitter(
            jobs: dependencies.jobs, engine: dependencies.engine, maxAttempts: configuration.engine.maxAttempts,
            waiters: AdmissionLimit(maximum: configuration.limits.maxWaiters), callbackPolicy: dependencies.addressPolicy,
            maxQueued: configuration.limits.maxQueuedJobs, budget: dependencies.budget, quota: dependencies.quota,
            audit: dependencies.audit)
        router.addRoutes(
            MediaJobController(
                submitter: submitter, assets: dependencies.assets, store: dependencies.store,
                maxJSONBytes: configuration.maxJSONBytes, limits: configuration.limits
            ).routes)
        router.addRoutes(
            JobController(
                jobs: dependencies.jobs, engine: dependencies.engine, events: dependencies.events,
                heartbeat: .seconds(configuration.sseHeartbeatSeconds), submitter: submitter, keys: dependencies.apiKeys,
                audit: dependencies.audit, deliveries: dependencies.webhooks.deliveries
            ).routes)
        router.addRoutes(VideoController(jobs: dependencies.jobs, media: dependencies.store.media).routes)
        let checks = GenerationChecks(
            generation: dependencies.generation, assets: dependencies.assets, store: dependencies.store,
            limits: configuration.limits, probes: dependencies.executors.probes)
        router.addRoutes(
            GenerationController(checks: checks, submitter: submitter, maxJSONBytes: configuration.maxJSONBytes, spend: dependencies.spend).routes)
        router.addRoutes(
            KeyController(keys: dependencies.apiKeys, audit: dependencies.audit, maxJSONBytes: configuration.maxJSONBytes).routes)
        router.addRoutes(AuditController(audit: dependencies.audit).routes)
        router.addRoutes(CatalogController(generation: dependencies.generation, costs: dependencies.costs).routes)
        router.addRoutes(
            OperationsController(
                database: dependencies.database, jobs: dependencies.jobs, engine: dependencies.engine,
                events: dependencies.events, dataDirectory: configuration.dataDirectory,
                minFreeDiskBytes: configuration.minFreeDiskBytes, generation: dependencies.generation,
                verbose: configuration.limits.verboseHealth
            ).routes)
        router.addRoutes(StudioController().routes)
        return router
    }

    /// The whole server: HTTP, the job engine, the retention sweeper and the webhook
    /// deliverer, one service group.
    /// Connections are capped, and one that sends nothing for the read timeout (a request
    /// head never finished, a stalled body, an idle keep-alive) is closed.
    public static func buildApplication(
        _ dependencies: ServerDependencies, logger: Logger,
        observer: ResponseObserver? = nil,
        onRunning: @escaping @Sendable (String) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let configuration = dependencies.configuration
        let connections = AdmissionLimit(maximum: configuration.limits.maxConnections)
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionLimitHandler(limit: connections)],
            idleTimeout: .nanoseconds(Int64(configuration.limits.readTimeoutSeconds * 1e9)))
        return Application(
            router: buildRouter(dependencies, observer: observer),
            server: .http1(configuration: http),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "merge-server"),
            services: dependencies.services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                await onRunning("http://\(configuration.host):\(port)")
            },
            logger: logger)
    }
}
