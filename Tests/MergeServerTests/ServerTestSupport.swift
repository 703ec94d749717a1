import Foundation
import Generation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MergeServer
import NIOCore
import TestSupport

/// A server over a fresh data directory, for in-process tests.
struct TestServer {
    let directory: TemporaryDirectory
    let dependencies: ServerDependencies

    /// `mocks` replaces the mock providers (to count or script their calls); `providers` the
    /// providers that have keys (fakes that charge); `fetchClient` the client for caller-given
    /// URLs (one with test-only DNS entries). `directory`: the data of an earlier server (a restart).
    /// `store`: the engine of a fresh store (SQLite in the data directory by default).
    static func make(
        workers: Int = 1, mocks: GenerationService.Providers? = nil, providers: GenerationService.Providers? = nil,
        fetchClient: (any HTTPClient)? = nil, directory given: TemporaryDirectory? = nil, store: StoreEngine = .sqlite,
        _ configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        let directory = try given ?? TemporaryDirectory()
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory.path
        if store == .postgres { configuration.database = try await store.databaseURL(in: directory) }
        configuration.port = 0
        configuration.engine.workers = workers
        configuration.engine.pollSeconds = 0.1
        configuration.sseHeartbeatSeconds = 0.5
        configure(&configuration)
        let dependencies = try await ServerDependencies.open(
            configuration, logger: logger, fetchClient: fetchClient, mocks: mocks, providers: providers)
        return TestServer(directory: directory, dependencies: dependencies)
    }

    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }

    /// Every response is checked against openapi.yaml as it is sent.
    var application: some ApplicationProtocol {
        MergeServerApp.buildApplication(dependencies, logger: Self.logger, observer: SpecConformance.observer)
    }

    /// Runs `test` against the router in process (services included).
    func test<Value: Sendable>(_ mode: TestingSetup = .router, _ test: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value
    {
        try await application.test(mode, test)
    }

    var videosDirectory: String { (directory.path as NSString).appendingPathComponent("videos") }

    /// The file of a video, as its row names it (each attempt writes a name of its own).
    func videoFile(_ videoID: String) async throws -> String {
        guard let video = try await dependencies.jobs.video(videoID) else { throw TestFailure("no video \(videoID)") }
        return video.path
    }
}

/// The Authorization header of a request made with `key`.
func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }

extension TestClientProtocol {
    /// Uploads a fixture as a raw body, with `key` when given; returns the status and the
    /// answer's JSON, whatever the status.
    func uploadAnswer(
        _ fixture: String, contentType: String = "video/mp4", key: String? = nil
    ) async throws
        -> (status: HTTPResponse.Status, body: [String: Any])
    {
        let data = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture(fixture)))
        var headers = key.map(bearer) ?? [:]
        headers[.contentType] = contentType
        return try await execute(uri: "/api/uploads?filename=\(fixture)", method: .post, headers: headers, body: ByteBuffer(bytes: data)) {
            response in (response.status, (try? jsonObject(response.body)) ?? [:])
        }
    }

    /// Uploads a fixture as a raw body; returns the asset JSON (a failed upload fails the test).
    func upload(_ fixture: String, contentType: String = "video/mp4", key: String? = nil) async throws -> [String: Any] {
        let answer = try await uploadAnswer(fixture, contentType: contentType, key: key)
        guard answer.status == .created || answer.status == .ok else {
            throw TestFailure("upload of \(fixture) answered \(answer.status): \(answer.body)")
        }
        return answer.body
    }

    func uploadID(_ fixture: String, contentType: String = "video/mp4", key: String? = nil) async throws -> String {
        try await upload(fixture, contentType: contentType, key: key)["id"] as? String ?? ""
    }

    /// POSTs JSON; returns the status and the decoded body.
    func postJSON(_ uri: String, _ body: String, headers: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
        var fields = headers
        fields[.contentType] = "application/json"
        return try await execute(uri: uri, method: .post, headers: fields, body: ByteBuffer(string: body)) { response in
            (response.status, (try? jsonObject(response.body)) ?? [:])
        }
    }

    func getJSON(_ uri: String) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
        try await execute(uri: uri, method: .get) { response in (response.status, (try? jsonObject(response.body)) ?? [:]) }
    }

    /// Polls a job until it ends (or `timeout` passes); returns its JSON.
    func waitForJob(_ id: String, timeout: Duration = .seconds(120)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let job = try await getJSON("/api/jobs/\(id)").body
            if let status = job["status"] as? String, ["succeeded", "failed", "canceled"].contains(status) { return job }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("job \(id) did not end within \(timeout)")
    }
}

func jsonObject(_ buffer: ByteBuffer) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
        throw TestFailure("not a JSON object: \(String(buffer: buffer))")
    }
    return object
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A two-clip timeline body over uploaded assets.
func timelineJSON(clips: [String], extra: String = "") -> String {
    let list = clips.map { "{\"source\": \"\($0)\"}" }.joined(separator: ", ")
    return "{\"clips\": [\(list)]\(extra.isEmpty ? "" : ", " + extra)}"
}
