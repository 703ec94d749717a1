import Metrics
import Prometheus

/// The process's Prometheus registry. swift-metrics can be bootstrapped once per
/// process, so every server in the process (tests start several) shares it; Hummingbird's
/// MetricsMiddleware and the engine record through swift-metrics, and /metrics adds
/// gauges read at scrape time.
enum ServerMetrics {
    static let registry = PrometheusCollectorRegistry()

    static let jobDurationLabel = "merge_server_job_duration_seconds"

    private static let bootstrapped: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Prometheus names allow [a-zA-Z0-9_:]; Hummingbird's use dots.
        factory.nameAndLabelSanitizer = { name, labels in
            (sanitize(name), labels.map { (sanitize($0.0), $0.1) })
        }
        factory.durationHistogramBuckets[jobDurationLabel] = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800].map { .seconds($0) }
        MetricsSystem.bootstrap(factory)
    }()

    static func bootstrap() { _ = bootstrapped }

    static func sanitize(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" ? $0 : "_" })
    }

    /// Records how long a job ran, by kind and outcome.
    static func recordJob(kind: String, status: JobStatus, seconds: Double) {
        Timer(label: jobDurationLabel, dimensions: [("kind", kind), ("status", status.rawValue)])
            .recordNanoseconds(Int64(seconds * 1e9))
    }
}
