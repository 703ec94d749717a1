import Foundation
import Generation
import HTTPTypes
import Hummingbird
import Prometheus

/// `GET /health`, `GET /health/live`, `GET /metrics`, `GET /openapi.yaml`.
struct OperationsController {
    let database: Database
    let jobs: JobRepository
    let engine: JobEngine
    let events: JobEventHub
    let dataDirectory: String
    let minFreeDiskBytes: Int64
    let generation: GenerationService
    /// On a server without keys, paths, byte counts, providers and breakers are shown only
    /// when the operator asks (`MERGE_SERVER_VERBOSE_HEALTH`): a probe should not map the
    /// host. Once keys exist they are shown to an admin key or the metrics token alone.
    let verbose: Bool
    let startedAt = ContinuousClock.now

    /// The controller's routes, added to the router as one collection.
    var routes: RouteCollection<ServerContext> {
        let router = RouteCollection(context: ServerContext.self)
        router.get("/health", use: health)
        router.get("/health/live", use: live)
        router.get("/metrics", use: metrics)
        router.get("/openapi.yaml", use: openAPI)
        return router
    }

    /// The process answers: for a load balancer's liveness probe, open and checking nothing else.
    @Sendable func live(_ request: Request, context: ServerContext) async throws -> Response {
        try JSONResponse.make(HealthStatus(status: "ok"), headers: [.cacheControl: "no-store"])
    }

    /// The checks, then as much of the report as the caller may see (`OperatorAccess`):
    /// a caller without an admin key or the metrics token gets only `status`, with the
    /// same 200 or 503, which is all a load balancer reads.
    @Sendable func health(_ request: Request, context: ServerContext) async throws -> Response {
        let verbose: Bool
        switch context.operatorAccess {
        case .statusOnly: verbose = false
        case .openServer: verbose = self.verbose
        case .full: verbose = true
        }
        var problems: [String] = []
        let databaseOK = database.isReachable()
        if !databaseOK { problems.append("the database does not answer") }
        let counts = databaseOK ? (try? await jobs.countsByStatus()) ?? [:] : [:]
        let disk = DiskSpace(path: dataDirectory)
        let diskOK = (disk?.freeBytes ?? 0) >= minFreeDiskBytes
        if !diskOK { problems.append(verbose ? "less than \(minFreeDiskBytes) bytes free in \(dataDirectory)" : "the disk is nearly full") }
        let report = HealthReport(
            status: problems.isEmpty ? "ok" : "unhealthy", version: MergeServerVersion.current,
            uptimeSeconds: ((ContinuousClock.now - startedAt).seconds * 10).rounded() / 10,
            database: .init(ok: databaseOK, path: verbose ? database.path : nil),
            disk: .init(
                ok: diskOK, freeBytes: verbose ? disk?.freeBytes ?? 0 : nil, totalBytes: verbose ? disk?.totalBytes ?? 0 : nil,
                minFreeBytes: verbose ? minFreeDiskBytes : nil),
            queue: .init(queued: counts[.queued] ?? 0, running: counts[.running] ?? 0),
            workers: .init(
                total: engine.workerCount, busy: engine.busyWorkers, generation: engine.generationWorkerCount,
                seen: databaseOK ? ((try? WorkerRegistry(database: database).seen()) ?? []).map { WorkerSeen($0, verbose: verbose) } : []),
            eventStreams: events.subscriberCount, generation: verbose ? .init(generation) : nil, problems: problems)
        let status: HTTPResponse.Status = problems.isEmpty ? .ok : .serviceUnavailable
        if context.operatorAccess == .statusOnly {
            return try JSONResponse.make(HealthStatus(status: report.status), status: status, headers: [.cacheControl: "no-store"])
        }
        return try JSONResponse.make(report, status: status, headers: [.cacheControl: "no-store"])
    }

    @Sendable func metrics(_ request: Request, context: ServerContext) async throws -> Response {
        func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
            ServerMetrics.registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "merge_server", metricName: name, unitName: "", helpText: help),
                labels: labels)
        }
        if let counts = try? await jobs.countsByStatus() {
            for (status, count) in counts {
                gauge("jobs", "Jobs in the database by status.", [("status", status.rawValue)]).set(Double(count))
            }
            gauge("queue_depth", "Jobs waiting to run.").set(Double(counts[.queued] ?? 0))
        }
        gauge("busy_workers", "Workers running a job now.").set(Double(engine.busyWorkers))
        gauge("workers", "Workers in this process.").set(Double(engine.workerCount))
        gauge("event_streams", "Open Server-Sent Event streams.").set(Double(events.subscriberCount))
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: ServerMetrics.registry.emitToBuffer())))
    }

    @Sendable func openAPI(_ request: Request, context: ServerContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/yaml"],
            body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
    }
}

/// One engine of `WorkerRegistry.seen()` in the report; host and pid only when verbose.
struct WorkerSeen: Encodable {
    let id: String
    let host: String?
    let pid: Int?
    let kinds: [String]
    let concurrency: Int
    let busy: Int
    let uptimeSeconds: Double
    let lastSeenSeconds: Double

    init(_ worker: WorkerRegistry.Worker, verbose: Bool, now: Double = Date().timeIntervalSince1970) {
        id = worker.id
        host = verbose ? worker.host : nil
        pid = verbose ? worker.pid : nil
        kinds = worker.kinds.split(separator: ",").map(String.init)
        concurrency = worker.concurrency
        busy = worker.busy
        uptimeSeconds = ((now - worker.startedAt) * 10).rounded() / 10
        lastSeenSeconds = (max(0, now - worker.seenAt) * 10).rounded() / 10
    }

    enum CodingKeys: String, CodingKey {
        case id, host, pid, kinds, concurrency, busy
        case uptimeSeconds = "uptime_seconds"
        case lastSeenSeconds = "last_seen_seconds"
    }
}

/// `/health/live`, and `/health` for a caller that is not the operator: `ok` or `unhealthy`.
struct HealthStatus: Encodable {
    let status: String
}

struct HealthReport: Encodable {
    /// The optional fields are present only in the verbose report.
    struct DatabaseStatus: Encodable {
        let ok: Bool
        let path: String?
    }
    struct DiskStatus: Encodable {
        let ok: Bool
        let freeBytes: Int64?
        let totalBytes: Int64?
        let minFreeBytes: Int64?
        enum CodingKeys: String, CodingKey {
            case ok
            case freeBytes = "free_bytes"
            case totalBytes = "total_bytes"
            case minFreeBytes = "min_free_bytes"
        }
    }
    struct QueueStatus: Encodable {
        let queued: Int
        let running: Int
    }
    /// `generation`: how many of `total` run only the kinds that wait on providers.
    struct WorkerStatus: Encodable {
        let total: Int
        let busy: Int
        let generation: Int
        let seen: [WorkerSeen]
    }

    let status: String
    let version: String
    let uptimeSeconds: Double
    let database: DatabaseStatus
    let disk: DiskStatus
    let queue: QueueStatus
    let workers: WorkerStatus
    let eventStreams: Int
    let generation: GenerationStatus?
    let problems: [String]

    /// Which providers run for real (the others are played by mocks) and every model's
    /// circuit breaker. An open breaker does not make the server unhealthy: other
    /// models and all media work go on.
    struct GenerationStatus: Encodable {
        let providers: [String: String]
        let breakers: [String: CircuitBreakers.Snapshot]
        let libcurl: String

        init(_ generation: GenerationService) {
            providers = Dictionary(
                uniqueKeysWithValues: ModelCatalog.providers.filter { $0 != "mock" }.map {
                    ($0, generation.isConfigured($0) ? "configured" : "mock")
                })
            breakers = generation.breakers.snapshot()
            libcurl = Curl.version
        }
    }

    enum CodingKeys: String, CodingKey {
        case status, version
        case uptimeSeconds = "uptime_seconds"
        case database, disk, queue, workers
        case eventStreams = "event_streams"
        case generation, problems
    }
}
