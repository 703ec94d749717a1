import Foundation
import TestSupport
import Testing

@testable import MergeServer

/// Not a test: a side-by-side measurement, run on demand with
/// `MERGE_SERVER_S3_BENCH=1 swift test --skip-build --filter S3ThroughputBench`. Uploads
/// one 64 MiB file with `S3Client` (single PUT and 16 MiB parts) and with
/// `curl --aws-sigv4 -T` (the same libcurl, driven by its own program), downloads it both
/// ways, and prints the medians and ratios. Nothing is asserted about time.
@Suite(.seaweedFS, .enabled(if: ProcessInfo.processInfo.environment["MERGE_SERVER_S3_BENCH"] != nil))
struct S3ThroughputBench {
    @Test func uploadAndDownloadAgainstCurl() async throws {
        let rounds = 5
        let size = 64 << 20
        let directory = try TemporaryDirectory()
        let source = try S3TestFiles.random(size, in: directory)
        let single = try await S3TestServer.client(multipartThreshold: 1 << 40)
        let parts = try await S3TestServer.client(multipartThreshold: 16 << 20, partSize: 16 << 20)
        let configuration = single.configuration
        let curlURL = configuration.objectURL(configuration.location.objectKey("curl.bin"))
        let credentials = "\(configuration.credentials.accessKeyID):\(configuration.credentials.secretAccessKey)"
        let curlArguments = [
            "-sS", "-f", "--aws-sigv4", "aws:amz:\(configuration.region):s3", "--user", credentials, "-H",
            "x-amz-content-sha256: UNSIGNED-PAYLOAD",
        ]

        func median(_ work: () async throws -> Void) async throws -> Double {
            var seconds: [Double] = []
            for _ in 0..<rounds {
                let start = ContinuousClock.now
                try await work()
                let elapsed = ContinuousClock.now - start
                seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            return seconds.sorted()[rounds / 2]
        }

        let ourSingle = try await median { try await single.put(file: source, key: "single.bin") }
        let ourParts = try await median { try await parts.put(file: source, key: "parts.bin") }
        let curlPut = try await median {
            let result = try ProcessRunner.run("/usr/bin/curl", curlArguments + ["-T", source, curlURL])
            guard result.status == 0 else { throw TestFailure("curl upload: \(result.stderr)") }
        }
        let ourGet = try await median { try await single.get(key: "single.bin", to: directory.file("back.bin")) }
        let curlGet = try await median {
            let result = try ProcessRunner.run("/usr/bin/curl", curlArguments + ["-o", directory.file("curl-back.bin"), curlURL])
            guard result.status == 0 else { throw TestFailure("curl download: \(result.stderr)") }
        }
        #expect(try S3TestFiles.same(source, directory.file("back.bin")))
        let mib = Double(size) / Double(1 << 20)
        func line(_ name: String, _ seconds: Double, _ baseline: Double) -> String {
            name.padding(toLength: 34, withPad: " ", startingAt: 0)
                + String(format: " %7.3f s %8.1f MiB/s  ×%.2f of curl", seconds, mib / seconds, baseline / seconds)
        }
        print("S3 throughput, 64 MiB, median of \(rounds) (SeaweedFS on loopback; ×>1 is faster than curl):")
        print(line("curl --aws-sigv4 -T (single PUT)", curlPut, curlPut))
        print(line("S3Client.put, single PUT", ourSingle, curlPut))
        print(line("S3Client.put, 4 parts of 16 MiB", ourParts, curlPut))
        print(line("curl --aws-sigv4 GET", curlGet, curlGet))
        print(line("S3Client.get", ourGet, curlGet))
    }
}
