import Foundation
import Generation
import Testing

/// Shared pieces of the provider tests.
enum ProviderTests {
    /// The real client, without proxies from the environment (the fakes are on loopback).
    static let client: any HTTPClient = CurlHTTPClient(environment: [:])

    /// Retries at once; a Retry-After is honoured up to 5 s.
    static let retry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .seconds(5))
    static let noRetry = RetryPolicy(maxAttempts: 1, baseDelay: .milliseconds(1), maxDelay: .milliseconds(1))

    static func videoModel(_ id: String, provider: String, path: String, defaults: [String: ParameterValue] = [:]) -> CatalogModel {
        CatalogModel(
            id: id, provider: provider, path: path, kind: .video, durations: [5, 6, 8, 10], aspectRatios: ["16:9", "9:16"],
            defaults: defaults)
    }
}

/// What a provider reported, in order (from any thread).
final class ProgressLog: Sendable {
    struct Report: Sendable {
        let stage: String
        let fraction: Double?
    }

    private let reports = Locked<[Report]>([])

    var values: [Report] { reports.value }
    var stages: [String] { values.map(\.stage) }

    var record: GenerationProgress {
        { [reports] stage, fraction in reports.mutate { $0.append(Report(stage: stage, fraction: fraction)) } }
    }

    func context(_ directory: String) -> GenerationContext {
        GenerationContext(workDirectory: directory, progress: record)
    }
}

/// A value under a lock. Safety: `value` is only touched while `lock` is held.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    func mutate(_ change: (inout Value) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&stored)
    }
}

/// Runs `body` and returns the `ProviderError` it threw (records an issue when it did not).
func providerError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> ProviderError? {
    do {
        try await body()
        Issue.record("expected a ProviderError, got success", sourceLocation: sourceLocation)
    } catch let error as ProviderError {
        return error
    } catch {
        Issue.record("expected a ProviderError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Polls `condition` (10 ms apart, 30 s at most) for state only another task, a server
/// or the file system can show — never to measure time. When it never holds, records
/// an issue and throws.
func waitUntil(_ condition: () async -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    for _ in 0..<3000 {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("the condition never became true", sourceLocation: sourceLocation)
    throw CancellationError()
}

/// Asserts the downloaded file is exactly `served`.
func expectFile(
    _ file: DownloadedFile, equals served: Data, extension ext: String, in directory: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(file.sha256 == TestMedia.sha256(served), sourceLocation: sourceLocation)
    #expect(file.sizeBytes == Int64(served.count), sourceLocation: sourceLocation)
    #expect(file.path.hasPrefix(directory + "/"), sourceLocation: sourceLocation)
    #expect(file.path.hasSuffix("." + ext), sourceLocation: sourceLocation)
    let onDisk = FileManager.default.contents(atPath: file.path)
    #expect(onDisk == served, sourceLocation: sourceLocation)
}
