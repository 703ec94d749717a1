import Foundation
import Media

/// What one caller can make the server do: every bound on work, memory, connections
/// and disk, with safe defaults. `MERGE_SERVER_*` variables override them (see
/// `environmentVariables`); a value that does not parse is a start-up error naming it.
public struct ServerLimits: Sendable {
    // Timelines (API callers; the command line is the operator and is not bound by these).
    /// Clips in one timeline.
    public var maxClips = 1000
    /// Length of a rendered video, in seconds.
    public var maxOutputSeconds = 7200.0
    /// Output width × height × fps (4K at 60 fps).
    public var maxPixelRate = 3840.0 * 2160 * 60
    /// The lowest crf an API caller may ask for (lower is near-lossless and huge).
    public var minCRF = 10
    /// Presets slower than this are refused for API callers (x264's order).
    public var slowestPreset = "medium"
    /// Length of a song that `analyze_audio` (or beat sync) analyses, in seconds.
    public var maxSongSeconds = 1800.0

    // Media inputs (applied to Media's own limits at start-up, see `applyToMedia`).
    /// Opening and probing one input, in seconds, before it is refused.
    public var probeTimeoutSeconds = 20.0
    /// One read of an open input (a render's or an analysis's), in seconds.
    public var readStallSeconds = 20.0
    /// The largest picture (width × height) an input may declare.
    public var maxInputPixels = 8192 * 8192
    /// Probes and analyses at once (0: one per core, at least 2); more wait in a queue.
    public var mediaWorkers = 0
    /// The width of the probe-and-analysis executor `mediaWorkers` asks for.
    var mediaWorkerCount: Int { mediaWorkers > 0 ? mediaWorkers : max(2, ProcessInfo.processInfo.activeProcessorCount) }

    // Queue and waiting.
    /// Jobs queued (not yet running) at once; more is 429 with Retry-After.
    public var maxQueuedJobs = 10_000
    /// Requests held open by `?wait=` at once; more answer 202 at once.
    public var maxWaiters = 256
    /// Open event streams in all, and per job.
    public var maxEventStreams = 2000
    public var maxEventStreamsPerJob = 64

    // Connections.
    /// Open HTTP connections; more are closed at accept.
    public var maxConnections = 4096
    /// A connection that sends nothing for this long is closed: a request head not
    /// complete, a body that stopped moving, or no new request on a kept-alive connection.
    /// (A request being answered — a render's ?wait, an event stream — is never cut.)
    public var readTimeoutSeconds = 30.0

    // Disk.
    /// Uploaded and fetched assets no job refers to are removed this long after their last use.
    public var assetRetentionSeconds = 7 * 24 * 3600.0
    /// Most bytes the data directory may hold (nil: no quota, only the free-space floor).
    public var dataQuotaBytes: Int64?

    // Who may reach the server and what it may reach.
    /// Hosts and CIDRs that user-supplied URLs may reach although they are not public
    /// (`MERGE_SERVER_FETCH_ALLOW`): trusted internal file servers, the tests' loopback servers.
    public var fetchAllow: [String] = []
    /// Host names (besides the bound address, localhost and loopback) that the Host header may carry.
    public var publicHosts: [String] = []
    /// Origins whose browsers may call the API (`https://studio.example.com`); others are refused.
    public var allowedOrigins: [String] = []
    /// On a server without keys, `/health` shows paths, providers and breakers (once keys
    /// exist, an admin key or the metrics token always sees them, and no one else does).
    public var verboseHealth = false

    public init() {}

    public static let environmentVariables: [(name: String, meaning: String)] = [
        ("MERGE_SERVER_MAX_CLIPS", "clips in one timeline (1000)"),
        ("MERGE_SERVER_MAX_OUTPUT_SECONDS", "length of a rendered video (7200)"),
        ("MERGE_SERVER_MAX_PIXEL_RATE", "output width × height × fps (497664000: 4K at 60 fps)"),
        ("MERGE_SERVER_MIN_CRF", "lowest crf an API caller may ask for (10)"),
        ("MERGE_SERVER_SLOWEST_PRESET", "slowest x264/x265 preset an API caller may ask for (medium)"),
        ("MERGE_SERVER_MAX_SONG_SECONDS", "longest song analysed (1800)"),
        ("MERGE_SERVER_PROBE_TIMEOUT_SECONDS", "opening and probing one input, before it is refused (20)"),
        ("MERGE_SERVER_READ_STALL_SECONDS", "one read of an open input during a render or analysis (20)"),
        ("MERGE_SERVER_MAX_INPUT_PIXELS", "largest picture an input may declare, width × height (67108864: 8192²)"),
        ("MERGE_SERVER_MEDIA_WORKERS", "probes and analyses at once; more wait (0: one per core, at least 2)"),
        ("MERGE_SERVER_MAX_QUEUED_JOBS", "jobs waiting at once; more is 429 (10000)"),
        ("MERGE_SERVER_MAX_WAITERS", "requests held by ?wait at once (256)"),
        ("MERGE_SERVER_MAX_EVENT_STREAMS", "open event streams in all (2000)"),
        ("MERGE_SERVER_MAX_EVENT_STREAMS_PER_JOB", "open event streams of one job (64)"),
        ("MERGE_SERVER_MAX_CONNECTIONS", "open HTTP connections (4096)"),
        (
            "MERGE_SERVER_READ_TIMEOUT_SECONDS",
            "a connection that sends nothing this long (an unfinished request head, a stalled body, an idle keep-alive) is closed (30)"
        ),
        ("MERGE_SERVER_ASSET_RETENTION_HOURS", "how long assets no job uses are kept (168)"),
        ("MERGE_SERVER_DATA_QUOTA_BYTES", "most bytes the data directory may hold (none)"),
        ("MERGE_SERVER_FETCH_ALLOW", "comma list of hosts and CIDRs that URL sources may reach although not public (none)"),
        ("MERGE_SERVER_PUBLIC_HOSTS", "comma list of host names the Host header may carry besides the bound address and localhost"),
        ("MERGE_SERVER_ALLOWED_ORIGINS", "comma list of browser origins allowed to call the API (none)"),
        ("MERGE_SERVER_VERBOSE_HEALTH", "1: /health shows paths, providers and breakers on a server without keys"),
    ]

    /// Applies the variables above.
    public mutating func apply(environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment: environment)
        if let v = try reader.number("MERGE_SERVER_MAX_CLIPS", 1...1_000_000) { maxClips = v }
        if let v = try reader.number("MERGE_SERVER_MAX_OUTPUT_SECONDS", 1.0...1_000_000) { maxOutputSeconds = v }
        if let v = try reader.number("MERGE_SERVER_MAX_PIXEL_RATE", 1.0...1e12) { maxPixelRate = v }
        if let v = try reader.number("MERGE_SERVER_MIN_CRF", 0...63) { minCRF = v }
        if let v = reader.value("MERGE_SERVER_SLOWEST_PRESET") {
            guard TimelineLimits.presets.contains(v) else {
                throw ConfigurationError(
                    "MERGE_SERVER_SLOWEST_PRESET=\(v) is not valid: use one of \(TimelineLimits.presets.joined(separator: ", "))")
            }
            slowestPreset = v
        }
        if let v = try reader.number("MERGE_SERVER_MAX_SONG_SECONDS", 1.0...86_400) { maxSongSeconds = v }
        if let v = try reader.number("MERGE_SERVER_PROBE_TIMEOUT_SECONDS", 0.1...86_400) { probeTimeoutSeconds = v }
        if let v = try reader.number("MERGE_SERVER_READ_STALL_SECONDS", 0.1...86_400) { readStallSeconds = v }
        if let v = try reader.number("MERGE_SERVER_MAX_INPUT_PIXELS", 1...(1 << 30)) { maxInputPixels = v }
        if let v = try reader.number("MERGE_SERVER_MEDIA_WORKERS", 0...256) { mediaWorkers = v }
        if let v = try reader.number("MERGE_SERVER_MAX_QUEUED_JOBS", 1...10_000_000) { maxQueuedJobs = v }
        if let v = try reader.number("MERGE_SERVER_MAX_WAITERS", 0...100_000) { maxWaiters = v }
        if let v = try reader.number("MERGE_SERVER_MAX_EVENT_STREAMS", 0...1_000_000) { maxEventStreams = v }
        if let v = try reader.number("MERGE_SERVER_MAX_EVENT_STREAMS_PER_JOB", 0...1_000_000) { maxEventStreamsPerJob = v }
        if let v = try reader.number("MERGE_SERVER_MAX_CONNECTIONS", 1...1_000_000) { maxConnections = v }
        if let v = try reader.number("MERGE_SERVER_READ_TIMEOUT_SECONDS", 0.1...86_400) { readTimeoutSeconds = v }
        if let v = try reader.number("MERGE_SERVER_ASSET_RETENTION_HOURS", 0.0...1_000_000) { assetRetentionSeconds = v * 3600 }
        if let v = try reader.number("MERGE_SERVER_DATA_QUOTA_BYTES", Int64(1)...Int64.max) { dataQuotaBytes = v }
        if let v = reader.list("MERGE_SERVER_FETCH_ALLOW") { fetchAllow = v }
        if let v = reader.list("MERGE_SERVER_PUBLIC_HOSTS") { publicHosts = v }
        if let v = reader.list("MERGE_SERVER_ALLOWED_ORIGINS") { allowedOrigins = v }
        if let v = reader.value("MERGE_SERVER_VERBOSE_HEALTH") { verboseHealth = ["1", "true", "yes"].contains(v.lowercased()) }
    }

    /// Media's limits are process-wide: the server sets them once, as it starts.
    public func applyToMedia() {
        MediaLimits.probeDeadline = .milliseconds(Int64(probeTimeoutSeconds * 1000))
        MediaLimits.readDeadline = .milliseconds(Int64(readStallSeconds * 1000))
        MediaLimits.maxPixels = maxInputPixels
    }
}
