import Foundation
@testable import Generation
import Testing

/// Shared pieces of the provider tests.
enum ProviderTests {
    /// The real client, without proxies from the environment (the fakes are on loopback).
    static let client: any HTTPClient = CurlHTTPClient(environment: [:])

    /// Retries at once; a Retry-After is honoured up to 5 s.
    static let retry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .seconds(5))
    static let noRetry = RetryPolicy(maxAttempts: 1, baseDelay: .milliseconds(1), maxDelay: .milliseconds(1))

    static func videoModel(_ id: String, provider: String, path: String, defaults: [String: ParameterValue] = [:]) -> CatalogModel {
        CatalogModel(id: id, provider: provider, path: path, kind: .video, durations: [5, 6, 8, 10], aspectRatios: ["16:9", "9:16"],
                     defaults: defaults)
    }
}

/// The stages a provider reported, in order.
final class ProgressLog: Sendable {
    private let stages = Locked<[String]>([])
    var all: [String] { stages.value }

    func context(_ directory: String) -> GenerationContext {
        GenerationContext(workDirectory: directory) { [stages] stage, _ in stages.mutate { $0.append(stage) } }
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

/// Waits (up to 20 s) until `condition` holds; false when it never did.
func eventually(_ condition: () async -> Bool) async -> Bool {
    for _ in 0..<2000 {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return false
}

/// Asserts the downloaded file is exactly `served`.
func expectFile(_ file: DownloadedFile, equals served: Data, extension ext: String, in directory: String,
                sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(file.sha256 == TestMedia.sha256(served), sourceLocation: sourceLocation)
    #expect(file.sizeBytes == Int64(served.count), sourceLocation: sourceLocation)
    #expect(file.path.hasPrefix(directory + "/"), sourceLocation: sourceLocation)
    #expect(file.path.hasSuffix("." + ext), sourceLocation: sourceLocation)
    let onDisk = FileManager.default.contents(atPath: file.path)
    #expect(onDisk == served, sourceLocation: sourceLocation)
}
