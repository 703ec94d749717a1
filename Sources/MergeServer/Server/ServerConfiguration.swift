import Foundation
import Generation
import Logging
import Media

/// Everything `merge-server serve` can be told. Defaults are the README's; the
/// environment (`MERGE_SERVER_*`) overrides them and command-line flags override both.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (printed at start-up).
    public var port = 8080
    public var dataDirectory = "outputs"
    /// `sqlite:PATH` or `postgres://user:password@host:port/database`; nil means
    /// `sqlite:<data dir>/mergeserver.sqlite`.
    public var database: String?
    public var engine = JobEngineSettings()
    /// Where media is stored: nil or `local` for the data directory, `s3://bucket/prefix`
    /// for a bucket (reached with the AWS_* variables of `storageEnvironment`).
    public var storage: String?
    /// How media in a bucket is served: redirects to presigned GETs, or streamed.
    public var storageServe = MediaServeMode.redirect
    /// The bound of the local cache of a bucket's objects.
    public var storageCacheBytes = MediaStorageSetting.defaultCacheBytes
    /// The AWS_* variables the bucket is reached with (nil: the process's environment).
    public var storageEnvironment: [String: String]?
    /// How job-end webhooks are sent and retried.
    public var webhooks = WebhookSettings()
    public var maxUploadBytes: Int64 = 2 << 30
    public var maxJSONBytes = 8 << 20
    /// Below this much free space in the data directory, /health answers 503.
    public var minFreeDiskBytes: Int64 = 512 << 20
    public var sseHeartbeatSeconds = 15.0
    /// How often expired jobs and their files are removed.
    public var sweepIntervalSeconds = 600.0
    public var logLevel = Logger.Level.info
    /// A YAML file of models that extends (or replaces by id) the built-in catalog.
    public var modelsFile: String?
    /// Clips of one music video generated at the same time.
    public var generationConcurrency = 4
    /// Provider keys and base URLs (`REPLICATE_API_TOKEN`, `FAL_KEY`, ...): a provider
    /// without a key is played by the mock provider.
    public var providerEnvironment: [String: String] = [:]
    /// Bounds on what callers can make the server do (ServerLimits.swift).
    public var limits = ServerLimits()
    /// The secret mixed into stored API key hashes; nil: `key-pepper` in the data directory.
    public var keyPepper: String?
    /// A bearer token that opens `/metrics` (besides an admin key) once keys exist.
    public var metricsToken: String?
    /// Serve a non-loopback address although no API key exists (`--insecure-no-auth`).
    public var insecureNoAuth = false
    /// Requests a minute for API keys made without a rate of their own; nil: they are not limited.
    public var defaultRatePerMinute: Int?
    /// The most that generation may spend in a UTC day, all keys together, in USD; nil: no cap.
    public var dailyBudgetUSD: Double?
    /// The secret media links are signed with, and the one before it (still accepted);
    /// nil: `url-signing-secret` (and `.previous`) in the data directory.
    public var urlSigningSecret: String?
    public var urlSigningPreviousSecret: String?
    /// How long a signed media link stays valid.
    public var signedURLLifetimeSeconds = 3600
    /// Renders longer than this are split into chunks rendered by child jobs on any worker
    /// (`MERGE_SERVER_CHUNK_SECONDS`, read as `render --parallel` reads it).
    public var chunkSeconds = ChunkPlanner.defaultChunkSeconds

    public init() {}

    public var databaseURL: String { database ?? "sqlite:" + (dataDirectory as NSString).appendingPathComponent("mergeserver.sqlite") }

    /// One row per setting, for the README's table and `serve --help`.
    public static let environmentVariables: [(name: String, meaning: String)] =
        [
            ("MERGE_SERVER_HOST", "address to listen on (127.0.0.1)"),
            ("MERGE_SERVER_PORT", "port (8080; 0 picks a free one)"),
            ("MERGE_SERVER_DATA_DIR", "data directory (outputs)"),
            ("MERGE_SERVER_DATABASE", "sqlite:PATH (sqlite:<data dir>/mergeserver.sqlite) or postgres://user:password@host/db"),
            ("MERGE_SERVER_DATABASE_URL", "the same as MERGE_SERVER_DATABASE (the name PostgreSQL tools use)"),
            ("MERGE_SERVER_STORAGE", "where media is stored: local (the data directory) or s3://BUCKET/PREFIX with the AWS_* variables (local)"),
            (
                "MERGE_SERVER_STORAGE_SERVE",
                "media in S3 reaches clients as a 302 to a presigned GET (redirect) or through the API (stream) (redirect)"
            ),
            ("MERGE_SERVER_STORAGE_CACHE_BYTES", "local cache of S3 objects under <data dir>/cache/s3 (10737418240)"),
            ("MERGE_SERVER_WORKERS", "jobs run at once (the core count; 0 accepts jobs without running them)"),
            (
                "MERGE_SERVER_GENERATION_WORKERS",
                "more workers only for jobs that wait on providers: scenes, images, clips, music videos (8; 0 shares the job workers)"
            ),
            ("MERGE_SERVER_MAX_UPLOAD_BYTES", "largest upload (2147483648)"),
            ("MERGE_SERVER_RETENTION_HOURS", "how long finished jobs and their videos are kept (168)"),
            ("MERGE_SERVER_MAX_ATTEMPTS", "attempts for a job whose failures are transient (3)"),
            ("MERGE_SERVER_LEASE_SECONDS", "a running job's lease; renewed every lease/6 (20)"),
            ("MERGE_SERVER_MIN_FREE_BYTES", "free disk below which /health is 503 (536870912)"),
            ("MERGE_SERVER_SSE_HEARTBEAT_SECONDS", "comment sent on idle event streams (15)"),
            ("MERGE_SERVER_LOG_LEVEL", "trace, debug, info, notice, warning, error (info)"),
            ("MERGE_SERVER_CHUNK_SECONDS", "renders longer than this run as chunks on any workers, joined by stream copy; at least 2 (120)"),
            ("MERGE_SERVER_MODELS", "YAML file of models added to (or replacing by id) the built-in catalog"),
            ("MERGE_SERVER_GENERATION_CONCURRENCY", "clips of one music video generated at once (4)"),
            ("MERGE_SERVER_METRICS_TOKEN", "bearer token that opens /metrics besides an admin key, 16+ characters (none)"),
            ("MERGE_SERVER_KEY_PEPPER", "secret mixed into stored API key hashes, 16+ characters (a key-pepper file made in the data directory)"),
            ("MERGE_SERVER_DEFAULT_RATE_PER_MINUTE", "requests a minute for API keys made without --rate (none: not limited)"),
            ("MERGE_SERVER_DAILY_BUDGET_USD", "most generation spend of a UTC day, all keys together, in USD (none: no cap)"),
            (
                "MERGE_SERVER_URL_SIGNING_SECRET",
                "secret media links are signed with, 16+ characters (a url-signing-secret file made in the data directory)"
            ),
            (
                "MERGE_SERVER_URL_SIGNING_SECRET_PREVIOUS",
                "the secret before it: links it signed still open until they expire (url-signing-secret.previous, if any)"
            ),
            ("MERGE_SERVER_SIGNED_URL_TTL_SECONDS", "how long a signed media link stays valid, 10–604800 (3600)"),
            (
                "MERGE_SERVER_WEBHOOK_RETRY_BASE_SECONDS",
                "the first webhook retry waits up to this long, each next one up to twice as long, at most 1 h (5)"
            ),
            ("MERGE_SERVER_WEBHOOK_RETRY_HOURS", "how long a webhook delivery is retried after its first attempt (24)"),
            ("MERGE_SERVER_WEBHOOK_TIMEOUT_SECONDS", "one webhook attempt, connection included (15)"),
            ("MERGE_SERVER_WEBHOOK_CONCURRENCY", "webhook attempts under way at once (16)"),
            ("REPLICATE_API_TOKEN, REPLICATE_BASE_URL", "Replicate key (none: its models run as mocks) and base URL (https://api.replicate.com)"),
            ("FAL_KEY, FAL_QUEUE_BASE_URL", "FAL key and queue base URL (https://queue.fal.run)"),
            ("GEMINI_API_KEY, GEMINI_BASE_URL", "Gemini key and base URL (https://generativelanguage.googleapis.com/v1beta)"),
            ("OPENAI_API_KEY, OPENAI_BASE_URL", "key and base URL of an OpenAI-compatible chat server (https://api.openai.com/v1)"),
        ] + ServerLimits.environmentVariables

    /// Applies `MERGE_SERVER_*` variables; a value that does not parse is an error naming it.
    public mutating func apply(environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment: environment)
        if let host = reader.value("MERGE_SERVER_HOST") { self.host = host }
        if let port = try reader.number("MERGE_SERVER_PORT", 0...65535) { self.port = port }
        if let directory = reader.value("MERGE_SERVER_DATA_DIR") { dataDirectory = directory }
        if let database = reader.value("MERGE_SERVER_DATABASE_URL") ?? reader.value("MERGE_SERVER_DATABASE") { self.database = database }
        if let storage = reader.value("MERGE_SERVER_STORAGE") { self.storage = storage }
        if let serve = reader.value("MERGE_SERVER_STORAGE_SERVE") { storageServe = try Self.serveMode(serve) }
        if let bytes = try reader.number("MERGE_SERVER_STORAGE_CACHE_BYTES", Int64(0)...Int64.max) { storageCacheBytes = bytes }
        if let workers = try reader.number("MERGE_SERVER_WORKERS", 0...256) { engine.workers = workers }
        if let workers = try reader.number("MERGE_SERVER_GENERATION_WORKERS", 0...256) {
            engine.generationWorkers = workers
        }
        if let bytes = try reader.number("MERGE_SERVER_MAX_UPLOAD_BYTES", Int64(1)...Int64.max) { maxUploadBytes = bytes }
        if let hours = try reader.number("MERGE_SERVER_RETENTION_HOURS", 0.001...1_000_000) { engine.retentionSeconds = hours * 3600 }
        if let attempts = try reader.number("MERGE_SERVER_MAX_ATTEMPTS", 1...100) { engine.maxAttempts = attempts }
        if let lease = try reader.number("MERGE_SERVER_LEASE_SECONDS", 1.0...86_400) {
            engine.leaseSeconds = lease
            engine.heartbeatSeconds = lease / 6
        }
        if let bytes = try reader.number("MERGE_SERVER_MIN_FREE_BYTES", Int64(0)...Int64.max) { minFreeDiskBytes = bytes }
        if let seconds = try reader.number("MERGE_SERVER_SSE_HEARTBEAT_SECONDS", 0.01...86_400) { sseHeartbeatSeconds = seconds }
        if let level = reader.value("MERGE_SERVER_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError("MERGE_SERVER_LOG_LEVEL=\(level) is not valid; use trace, debug, info, notice, warning or error")
            }
            logLevel = parsed
        }
        if environment[ChunkPlanner.environmentVariable] != nil {
            do {
                chunkSeconds = try ChunkPlanner.chunkSeconds(environment: environment)
            } catch {
                throw ConfigurationError(error.message)
            }
        }
        if let file = reader.value("MERGE_SERVER_MODELS") { modelsFile = file }
        if let count = try reader.number("MERGE_SERVER_GENERATION_CONCURRENCY", 1...64) { generationConcurrency = count }
        if let pepper = reader.value("MERGE_SERVER_KEY_PEPPER") { keyPepper = pepper }
        if let seconds = try reader.number("MERGE_SERVER_WEBHOOK_RETRY_BASE_SECONDS", 0.001...86_400) { webhooks.retryBaseSeconds = seconds }
        if let hours = try reader.number("MERGE_SERVER_WEBHOOK_RETRY_HOURS", 0.0...720) { webhooks.retryWindowSeconds = hours * 3600 }
        if let seconds = try reader.number("MERGE_SERVER_WEBHOOK_TIMEOUT_SECONDS", 0.1...600) { webhooks.timeoutSeconds = seconds }
        if let count = try reader.number("MERGE_SERVER_WEBHOOK_CONCURRENCY", 1...1024) { webhooks.concurrency = count }
        if let token = reader.value("MERGE_SERVER_METRICS_TOKEN") {
            guard token.utf8.count >= 16 else { throw ConfigurationError("MERGE_SERVER_METRICS_TOKEN must be at least 16 characters") }
            metricsToken = token
        }
        if let rate = try reader.number("MERGE_SERVER_DEFAULT_RATE_PER_MINUTE", 1...1_000_000) { defaultRatePerMinute = rate }
        if let usd = try reader.number("MERGE_SERVER_DAILY_BUDGET_USD", 0.0...1_000_000_000) { dailyBudgetUSD = usd }
        if let secret = reader.value("MERGE_SERVER_URL_SIGNING_SECRET") {
            guard secret.utf8.count >= 16 else { throw ConfigurationError("MERGE_SERVER_URL_SIGNING_SECRET must be at least 16 characters") }
            urlSigningSecret = secret
        }
        if let secret = reader.value("MERGE_SERVER_URL_SIGNING_SECRET_PREVIOUS") {
            guard secret.utf8.count >= 16 else {
                throw ConfigurationError("MERGE_SERVER_URL_SIGNING_SECRET_PREVIOUS must be at least 16 characters")
            }
            urlSigningPreviousSecret = secret
        }
        if let seconds = try reader.number("MERGE_SERVER_SIGNED_URL_TTL_SECONDS", 10...604_800) { signedURLLifetimeSeconds = seconds }
        for name in ProviderDirectory.environmentNames {
            if let text = reader.value(name) { providerEnvironment[name] = text }
        }
        try limits.apply(environment: environment)
    }
}

extension ServerConfiguration {
    /// `redirect` or `stream` (`--storage-serve`, `MERGE_SERVER_STORAGE_SERVE`).
    public static func serveMode(_ text: String) throws(ConfigurationError) -> MediaServeMode {
        guard let mode = MediaServeMode(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw ConfigurationError(
                "MERGE_SERVER_STORAGE_SERVE=\(text) is not valid: use redirect (302 to a presigned S3 URL) or stream (through the API)")
        }
        return mode
    }

    /// The node's media library, from `storage` (checked here, so a bad setting stops the
    /// start with a clear line, never a first failing request).
    func mediaLibrary() throws -> MediaLibrary {
        let storage = try MediaStorageSetting.make(
            storage, dataDirectory: dataDirectory, environment: storageEnvironment ?? ProcessInfo.processInfo.environment,
            cacheBytes: storageCacheBytes, redirects: storageServe == .redirect)
        if storage is LocalMediaStorage { return .local(dataDirectory) }
        return MediaLibrary(storage: storage, dataDirectory: dataDirectory, serveMode: storageServe)
    }
}
