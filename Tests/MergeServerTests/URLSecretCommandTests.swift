import Foundation
import TestSupport
import Testing

/// `merge-server url-secret rotate`, as an operator runs it on a data directory.
@Suite struct URLSecretCommandTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func secret(_ name: String) -> String? {
        (try? String(contentsOfFile: directory.file(name), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func rotateKeepsTheOldSecretAsThePrevious() throws {
        let first = try ProcessRunner.run(Paths.mergeServer, ["url-secret", "rotate", "--data-dir", directory.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("restart the server"))
        let current = try #require(secret("url-signing-secret"))
        let previous = try #require(secret("url-signing-secret.previous"))
        #expect(current.count == 64 && previous.count == 64 && current != previous)

        let second = try ProcessRunner.run(Paths.mergeServer, ["url-secret", "rotate", "--data-dir", directory.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(secret("url-signing-secret.previous") == current, "the current becomes the previous")
        #expect(secret("url-signing-secret") != current && secret("url-signing-secret") != previous)
        let leftovers = directory.contents().filter { $0.hasPrefix("url-signing-secret.") && $0 != "url-signing-secret.previous" }
        #expect(leftovers.isEmpty, "no temporary file left")
    }

    @Test func aSecretFromTheEnvironmentIsNotRotatedHere() throws {
        let refused = try ProcessRunner.run(
            "/usr/bin/env",
            ["MERGE_SERVER_URL_SIGNING_SECRET=from-the-environment-0123", Paths.mergeServer, "url-secret", "rotate", "--data-dir", directory.path])
        #expect(refused.status == 64)
        #expect(refused.stderr.hasPrefix("error: the secret comes from MERGE_SERVER_URL_SIGNING_SECRET"))
        #expect(secret("url-signing-secret") == nil)
        let short = try ProcessRunner.run(
            "/usr/bin/env", ["MERGE_SERVER_URL_SIGNING_SECRET=short", Paths.mergeServer, "url-secret", "rotate", "--data-dir", directory.path])
        #expect(short.status == 64 && short.stderr.contains("at least 16 characters"))
    }
}
