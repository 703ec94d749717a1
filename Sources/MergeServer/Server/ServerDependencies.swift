import Foundation
import Generation
import Logging
import Media
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
    /// Where Media's blocking work runs.
    public let executors: MediaExecutors
    /// The API keys requests authenticate with.
    public let apiKeys: APIKeyRepository
    /// What each key may still store.
    public let quota: StorageQuota
    /// Key changes, job submissions, cancels and retries.
    public let audit: AuditLog
    /// Each key's request rate: token buckets in memory, or in the store when it is shared.
    let rateLimiter: any RequestRateLimiting
    /// The spend budgets of keys and the server's daily cap.
    let spend: SpendBudget
    /// Signs media links for browsers and checks them when they come back.
    public let urlSigner: MediaURLSigner
    /// Where caller URLs may connect (`limits.fetchAllow`): fetched sources and callback URLs.
    public let addressPolicy: AddressPolicy
    /// Sends the webhook outbox (a service, like the engine).
    public let webhooks: WebhookDeliverer
    /// Job events to and from the other processes of a shared store (nil on SQLite).
    let relay: JobEventRelay?

    /// What runs beside the HTTP server (or alone, in `merge-server worker`).
    public var services: [any Service] { [engine, sweeper, webhooks] + (relay.map { [$0] } ?? []) }

    /// Opens the data directory and the database and recovers what a killed process
    /// left: jobs it was running are requeued or quarantined (`recoverInterrupted`), its
    /// partial files and the files no row refers to are removed.
    /// `httpClient`, `fetchClient`, `mocks` and `providers` are for tests; the server uses libcurl (for
    /// caller-given URLs — sources to fetch, callback URLs — guarded by `limits.fetchAllow`), the mock
    /// providers, and the providers whose keys are in `configuration.providerEnvironment` (`providers` replaces them).
    public static func open(
        _ configuration: ServerConfiguration, logger: Logger, httpClient: (any HTTPClient)? = nil,
        fetchClient: (any HTTPClient)? = nil,
        mocks: GenerationService.Providers? = nil,
        providers given: GenerationService.Providers? = nil
    ) async throws -> ServerDependencies {
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
        let media: MediaLibrary
        do {
            media = try configuration.mediaLibrary()
        } catch let error as ConfigurationError {
            throw ConfigurationError("--storage / MERGE_SERVER_STORAGE: \(error.description)")
        }
        let database = try Database(url: configuration.databaseURL, logger: logger)
        let databasePath = database.path
        let apiKeys = APIKeyRepository(
            database: database, pepper: try KeyPepper.load(dataDirectory: dataDirectory, configured: configuration.keyPepper))
        let urlSigner = MediaURLSigner(
            secrets: try URLSigningSecrets.load(
                dataDirectory: dataDirectory, configured: configuration.urlSigningSecret,
                configuredPrevious: configuration.urlSigningPreviousSecret),
            lifetimeSeconds: configuration.signedURLLifetimeSeconds)
        let serverWebhookSecret = try WebhookSecret.server(dataDirectory: dataDirectory)
        try OpenAccessCheck.check(
            host: configuration.host, keysExist: try apiKeys.anyKeyExists(), insecureNoAuth: configuration.insecureNoAuth,
            logger: logger)
        let jobs = JobRepository(database: database)
        let assets = AssetRepository(database: database)
        let budget = DiskBudget(
            dataDirectory: dataDirectory, minFreeBytes: configuration.minFreeDiskBytes,
            quotaBytes: configuration.limits.dataQuotaBytes
        ) {
            let databaseFiles = [databasePath, databasePath + "-wal"].reduce(Int64(0)) { sum, path in
                sum + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0)
            }
            return try assets.storedBytes() + databaseFiles
        }
        let executors = MediaExecutors(configuration: configuration)
        let quota = StorageQuota(keys: apiKeys, assets: assets)
        let store = try AssetStore(
            dataDirectory: dataDirectory, repository: assets, probes: executors.probes, budget: budget, quota: quota,
            media: media)
        if database.isShared {
            // Other processes share the store (and the media they write): a dead worker's
            // jobs come back when their leases run out, and files being written now may be
            // another worker's, so nothing is recovered or swept at start-up here.
            logger.info("the store is shared (PostgreSQL): start-up recovery is left to the leases")
        } else {
            try await recoverAlone(database: database, jobs: jobs, assets: assets, store: store, configuration: configuration, logger: logger)
        }

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
        let providers =
            given
            ?? ProviderDirectory.providers(
                environment: configuration.providerEnvironment, client: client,
                uploadCache: ProviderUploadCache(database: database))
        let generation = GenerationService(catalog: catalog, providers: providers, mock: mocks ?? ProviderDirectory.mocks(on: executors.synthesis))
        let costs = CostRepository(database: database)
        let fetcher = RemoteAssetFetcher(client: userURLClient, store: store, limit: configuration.maxUploadBytes)
        let spend = SpendBudget(database: database, keys: apiKeys, serverDailyUSD: configuration.dailyBudgetUSD)
        let work = GenerationWork(
            generation: generation, assets: assets, store: store, costs: costs,
            scenePlans: ScenePlanCache(database: database), fetcher: fetcher, executors: executors,
            downloadLimit: configuration.maxUploadBytes, spend: spend)
        let engineLink = EngineLink()
        let renderer = JobVideoRenderer(
            videosDirectory: videosDirectory, executors: executors, media: media,
            chunks: ChunkedJobRenders(
                jobs: jobs, engine: engineLink, media: media, executors: executors, chunkSeconds: configuration.chunkSeconds))

        let events = JobEventHub(
            maxSubscribers: configuration.limits.maxEventStreams,
            maxSubscribersPerJob: configuration.limits.maxEventStreamsPerJob)
        let relay = database.isShared ? JobEventRelay(database: database, jobs: jobs, hub: events, logger: logger) : nil
        let handlers: [any JobHandler] = [
            MergeVideosJob(assets: assets, store: store, renderer: renderer, fetcher: fetcher, limits: configuration.limits),
            AnalyzeAudioJob(assets: assets, store: store, probes: executors.probes),
            CreateScenesJob(work: work),
            CharacterReferenceJob(work: work),
            GenerateVideoJob(work: work, videosDirectory: videosDirectory),
            MusicVideoJob(
                work: work, checkpoints: CheckpointRepository(database: database), renderer: renderer,
                concurrency: configuration.generationConcurrency),
            RenderChunkJob(media: media, executors: executors),
        ]
        let engine = JobEngine(
            jobs: jobs, events: events, handlers: handlers, settings: configuration.engine, logger: logger,
            dataDirectory: dataDirectory, media: media)
        engineLink.bind(engine)
        let sweeper = RetentionSweeper(
            jobs: jobs, events: events, interval: .seconds(configuration.sweepIntervalSeconds), logger: logger,
            assets: assets, dataDirectory: dataDirectory,
            assetRetentionSeconds: configuration.limits.assetRetentionSeconds, media: media,
            orphans: (media.storage as? S3MediaStorage).map { BucketOrphanSweep(storage: $0, jobs: jobs, assets: assets) })
        let webhooks = WebhookDeliverer(
            deliveries: WebhookRepository(database: database), client: userURLClient, keys: apiKeys, serverSecret: serverWebhookSecret,
            settings: configuration.webhooks, logger: logger)
        return ServerDependencies(
            configuration: configuration, database: database, jobs: jobs, assets: assets, store: store,
            events: events, engine: engine, sweeper: sweeper, generation: generation, costs: costs,
            budget: budget, executors: executors, apiKeys: apiKeys, quota: quota, audit: AuditLog(database: database),
            rateLimiter: database.isShared ? SharedRateLimiter(database: database, logger: logger) : RateLimiter(), spend: spend,
            urlSigner: urlSigner, addressPolicy: fetchPolicy, webhooks: webhooks,
            relay: relay)
    }
}

extension ServerDependencies {
    /// With the data directory locked to this process: partial files are a dead process's,
    /// jobs left running were its jobs (`recoverInterrupted`), and files no row names are orphans.
    fileprivate static func recoverAlone(
        database: Database, jobs: JobRepository, assets: AssetRepository, store: AssetStore, configuration: ServerConfiguration,
        logger: Logger
    ) async throws {
        let fileManager = FileManager.default
        let videosDirectory = (configuration.dataDirectory as NSString).appendingPathComponent("videos")
        store.removeUnfinishedUploads()
        for name in (try? fileManager.contentsOfDirectory(atPath: videosDirectory)) ?? [] where name.hasSuffix(".partial") {
            try? fileManager.removeItem(atPath: (videosDirectory as NSString).appendingPathComponent(name))
        }
        let recovery = try await jobs.recoverInterrupted(retention: configuration.engine.retentionSeconds)
        if !recovery.requeued.isEmpty {
            logger.notice(
                "jobs running when the last process died are queued again, under suspicion",
                metadata: ["jobs": "\(recovery.requeued)"])
        }
        if !recovery.quarantined.isEmpty {
            logger.warning(
                "jobs running when the last process died failed as crashed; POST /api/jobs/{id}/retry runs them again",
                metadata: ["jobs": "\(recovery.quarantined)"])
        }
        let orphans =
            OrphanFiles.sweep(videosDirectory, referenced: try jobs.videoFileNames())
            + OrphanFiles.sweep(store.directory, referenced: try assets.fileNames())
        if orphans > 0 { logger.notice("removed files no row refers to", metadata: ["count": "\(orphans)"]) }
    }
}
