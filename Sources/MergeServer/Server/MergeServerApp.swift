import Foundation
import Generation
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import ServiceLifecycle

/// Everything the routes use, made once at start-up (tests build their own).
public struct ServerDependencies: Sendable {
    public let configuration: ServerConfiguration
    public let database: Database
    public let jobs: JobRepository
    public let assets: AssetRepository
    public let store: AssetStore
    public let events: JobEventHub
    public let engine: JobEngine
    public let sweeper: any Service
    public let generation: GenerationService
    public let costs: CostRepository
    /// Room left on the disk and under the data quota (uploads, fetches, submissions).
    public let budget: DiskBudget

    /// Opens the data directory and the database and recovers what a killed process
    /// left: jobs it was running are requeued or quarantined (`recoverInterrupted`), its
    /// partial files and the files no row refers to are removed.
    /// `httpClient`, `fetchClient` and `mocks` are for tests; the server uses libcurl (for
    /// caller-given URLs, guarded by `limits.fetchAllow`) and the mock providers.
    public static func open(_ configuration: ServerConfiguration, logger: Logger, httpClient: (any HTTPClient)? = nil,
                            fetchClient: (any HTTPClient)? = nil,
                            mocks: GenerationService.Providers? = nil) async throws -> ServerDependencies {
        let fetchPolicy: AddressPolicy
        do {
            fetchPolicy = try AddressPolicy(allowing: configuration.limits.fetchAllow)
        } catch {
            throw ConfigurationError("MERGE_SERVER_FETCH_ALLOW: \(error.description)")
        }
        let fileManager = FileManager.default
        let dataDirectory = configuration.dataDirectory
        let videosDirectory = (dataDirectory as NSString).appendingPathComponent("videos")
        try fileManager.createDirectory(atPath: videosDirectory, withIntermediateDirectories: true)
        let databasePath = try Database.sqlitePath(from: configuration.databaseURL)
        try fileManager.createDirectory(atPath: (databasePath as NSString).deletingLastPathComponent.isEmpty
                                            ? "." : (databasePath as NSString).deletingLastPathComponent,
                                        withIntermediateDirectories: true)
        let database = try Database(path: databasePath)
        let jobs = JobRepository(database: database)
        let assets = AssetRepository(database: database)
        let budget = DiskBudget(dataDirectory: dataDirectory, minFreeBytes: configuration.minFreeDiskBytes,
                                quotaBytes: configuration.limits.dataQuotaBytes) {
            let databaseFiles = [databasePath, databasePath + "-wal"].reduce(Int64(0)) { sum, path in
                sum + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0)
            }
            return try assets.storedBytes() + databaseFiles
        }
        let store = try AssetStore(dataDirectory: dataDirectory, repository: assets, budget: budget)
        store.removeUnfinishedUploads()
        for name in (try? fileManager.contentsOfDirectory(atPath: videosDirectory)) ?? [] where name.hasSuffix(".partial") {
            try? fileManager.removeItem(atPath: (videosDirectory as NSString).appendingPathComponent(name))
        }
        let recovery = try await jobs.recoverInterrupted(retention: configuration.engine.retentionSeconds)
        if !recovery.requeued.isEmpty {
            logger.notice("jobs running when the last process died are queued again, under suspicion",
                          metadata: ["jobs": "\(recovery.requeued)"])
        }
        if !recovery.quarantined.isEmpty {
            logger.warning("jobs running when the last process died failed as crashed; POST /api/jobs/{id}/retry runs them again",
                           metadata: ["jobs": "\(recovery.quarantined)"])
        }
        let orphans = OrphanFiles.sweep(videosDirectory, referenced: try jobs.videoFileNames())
            + OrphanFiles.sweep(store.directory, referenced: try assets.fileNames())
        if orphans > 0 { logger.notice("removed files no row refers to", metadata: ["count": "\(orphans)"]) }

        let catalog: ModelCatalog
        do {
            catalog = try ModelCatalog.load(overridesAt: configuration.modelsFile)
        } catch {
            throw ConfigurationError(error.description)
        }
        // Providers' base URLs are the operator's and trusted; URLs from callers connect
        // only where the policy allows, through a client (and connections) of their own.
        let client = httpClient ?? CurlHTTPClient.shared
        let userURLClient = fetchClient ?? CurlHTTPClient(addressPolicy: fetchPolicy)
        let providers = ProviderDirectory.providers(environment: configuration.providerEnvironment, client: client,
                                                    uploadCache: ProviderUploadCache(database: database))
        let generation = GenerationService(catalog: catalog, providers: providers, mock: mocks ?? ProviderDirectory.mocks())
        let costs = CostRepository(database: database)
        let fetcher = RemoteAssetFetcher(client: userURLClient, store: store, limit: configuration.maxUploadBytes)
        let work = GenerationWork(generation: generation, assets: assets, store: store, costs: costs,
                                  scenePlans: ScenePlanCache(database: database), fetcher: fetcher,
                                  downloadLimit: configuration.maxUploadBytes)

        let events = JobEventHub(maxSubscribers: configuration.limits.maxEventStreams,
                                 maxSubscribersPerJob: configuration.limits.maxEventStreamsPerJob)
        let handlers: [any JobHandler] = [
            MergeVideosJob(assets: assets, store: store, videosDirectory: videosDirectory, fetcher: fetcher, limits: configuration.limits),
            AnalyzeAudioJob(assets: assets, store: store),
            CreateScenesJob(work: work),
            CharacterReferenceJob(work: work),
            GenerateVideoJob(work: work, videosDirectory: videosDirectory),
            MusicVideoJob(work: work, checkpoints: CheckpointRepository(database: database), videosDirectory: videosDirectory,
                          concurrency: configuration.generationConcurrency),
        ]
        let engine = JobEngine(jobs: jobs, events: events, handlers: handlers, settings: configuration.engine, logger: logger,
                               dataDirectory: dataDirectory)
        let sweeper = RetentionSweeper(jobs: jobs, events: events, interval: .seconds(configuration.sweepIntervalSeconds), logger: logger,
                                       assets: assets, dataDirectory: dataDirectory,
                                       assetRetentionSeconds: configuration.limits.assetRetentionSeconds)
        return ServerDependencies(configuration: configuration, database: database, jobs: jobs, assets: assets, store: store,
                                  events: events, engine: engine, sweeper: sweeper, generation: generation, costs: costs,
                                  budget: budget)
    }
}

public enum MergeServerApp {
    /// The router with every route and the middleware around them (outermost first:
    /// request id, metrics, request log, problem+json, the browser guard).
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
        router.add(middleware: BrowserGuardMiddleware(boundHost: configuration.host, publicHosts: configuration.limits.publicHosts,
                                                      allowedOrigins: configuration.limits.allowedOrigins))

        AssetController(assets: dependencies.assets, store: dependencies.store, maxUploadBytes: configuration.maxUploadBytes)
            .addRoutes(to: router)
        let submitter = JobSubmitter(jobs: dependencies.jobs, engine: dependencies.engine, maxAttempts: configuration.engine.maxAttempts,
                                     waiters: AdmissionLimit(maximum: configuration.limits.maxWaiters),
                                     maxQueued: configuration.limits.maxQueuedJobs, budget: dependencies.budget)
        MediaJobController(submitter: submitter, assets: dependencies.assets, store: dependencies.store,
                           maxJSONBytes: configuration.maxJSONBytes, limits: configuration.limits).addRoutes(to: router)
        JobController(jobs: dependencies.jobs, engine: dependencies.engine, events: dependencies.events,
                      heartbeat: .seconds(configuration.sseHeartbeatSeconds), submitter: submitter).addRoutes(to: router)
        VideoController(jobs: dependencies.jobs).addRoutes(to: router)
        GenerationController(checks: GenerationChecks(generation: dependencies.generation, assets: dependencies.assets, store: dependencies.store,
                                                      limits: configuration.limits),
                             submitter: submitter, maxJSONBytes: configuration.maxJSONBytes).addRoutes(to: router)
        CatalogController(generation: dependencies.generation, costs: dependencies.costs).addRoutes(to: router)
        OperationsController(database: dependencies.database, jobs: dependencies.jobs, engine: dependencies.engine,
                             events: dependencies.events, dataDirectory: configuration.dataDirectory,
                             minFreeDiskBytes: configuration.minFreeDiskBytes, generation: dependencies.generation,
                             verbose: configuration.limits.verboseHealth).addRoutes(to: router)
        return router
    }

    /// The whole server: HTTP, the job engine and the retention sweeper, one service group.
    /// Connections are capped, and one that sends nothing for the read timeout (a request
    /// head never finished, a stalled body, an idle keep-alive) is closed.
    public static func buildApplication(_ dependencies: ServerDependencies, logger: Logger,
                                        observer: ResponseObserver? = nil,
                                        onRunning: @escaping @Sendable (String) async -> Void = { _ in }) -> some ApplicationProtocol {
        let configuration = dependencies.configuration
        let connections = AdmissionLimit(maximum: configuration.limits.maxConnections)
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionLimitHandler(limit: connections)],
            idleTimeout: .nanoseconds(Int64(configuration.limits.readTimeoutSeconds * 1e9)))
        return Application(
            router: buildRouter(dependencies, observer: observer),
            server: .http1(configuration: http),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "merge-server"),
            services: [dependencies.engine, dependencies.sweeper],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                await onRunning("http://\(configuration.host):\(port)")
            },
            logger: logger)
    }
}
