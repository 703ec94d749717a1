import Foundation
import TestSupport
import Testing

/// `merge-server keys` and the start-up rule, as an operator runs them.
@Suite struct KeysCommandTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func mergeServer(_ arguments: String...) throws -> ProcessResult {
        try ProcessRunner.run(Paths.mergeServer, arguments)
    }

    @Test func createListAndRevoke() throws {
        let created = try mergeServer(
            "keys", "create", "--name", "ci", "--scope", "render,read", "--budget-usd", "10", "--rate", "30/min",
            "--storage-gb", "2", "--json", "--data-dir", directory.path)
        #expect(created.status == 0, "\(created.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: created.stdoutData) as? [String: Any])
        let key = try #require(object["key"] as? String)
        let id = try #require(object["id"] as? String)
        #expect(key.hasPrefix("msk_"))
        #expect((object["webhook_secret"] as? String)?.hasPrefix("whsec_") == true)
        #expect(object["name"] as? String == "ci")
        #expect(object["scopes"] as? [String] == ["render", "read"])
        #expect(object["rate_per_minute"] as? Int == 30)
        #expect(object["storage_bytes"] as? Int == 2_000_000_000)
        #expect(created.stderr.contains("not shown again"))

        let listed = try mergeServer("keys", "list", "--json", "--data-dir", directory.path)
        #expect(listed.status == 0)
        #expect(listed.stdout.contains(id) && !listed.stdout.contains(key))
        let text = try mergeServer("keys", "list", "--data-dir", directory.path)
        #expect(text.stdout.contains(id) && text.stdout.contains("active"))

        let revoked = try mergeServer("keys", "revoke", id, "--data-dir", directory.path)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let after = try mergeServer("keys", "list", "--data-dir", directory.path)
        #expect(after.stdout.contains("revoked"))
        let unknown = try mergeServer("keys", "revoke", "key_000000000000000000000000", "--data-dir", directory.path)
        #expect(unknown.status == 1 && unknown.stderr.hasPrefix("error: no API key"))
    }

    @Test func plainCreatePrintsTheKeyAndItsWebhookSecretOnLinesOfTheirOwn() throws {
        let created = try mergeServer("keys", "create", "--name", "ops", "--data-dir", directory.path)
        #expect(created.status == 0, "\(created.stderr)")
        let lines = created.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[2].hasPrefix("msk_") && lines[2].count == 44, "the key is last, for `| tail -1`")
        #expect(lines.count == 3 && lines[1].hasPrefix("whsec_") && Data(base64Encoded: String(lines[1].dropFirst(6)))?.count == 32)
        #expect(lines.first?.contains("render,generate,read") == true)
    }

    @Test func rotateWebhookSecretPrintsTheNewOne() throws {
        let created = try mergeServer("keys", "create", "--name", "hooks", "--json", "--data-dir", directory.path)
        let object = try #require(try JSONSerialization.jsonObject(with: created.stdoutData) as? [String: Any])
        let id = try #require(object["id"] as? String)
        let first = try #require(object["webhook_secret"] as? String)
        #expect(first.hasPrefix("whsec_"))

        let rotated = try mergeServer("keys", "rotate-webhook-secret", id, "--json", "--data-dir", directory.path)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: rotated.stdoutData) as? [String: Any])
        let second = try #require(answer["webhook_secret"] as? String)
        #expect(second.hasPrefix("whsec_") && second != first && answer["id"] as? String == id)
        #expect(answer["previous_valid_until"] is String)
        #expect(rotated.stderr.contains("not shown again"))
        let plain = try mergeServer("keys", "rotate-webhook-secret", id, "--data-dir", directory.path)
        let lines = plain.stdout.split(separator: "\n")
        #expect(plain.status == 0 && lines.count == 2 && lines[1].hasPrefix("whsec_") && lines[1] != second)
        // The list never shows a secret.
        let listed = try mergeServer("keys", "list", "--json", "--data-dir", directory.path)
        #expect(!listed.stdout.contains("whsec_"))

        let unknown = try mergeServer("keys", "rotate-webhook-secret", "key_000000000000000000000000", "--data-dir", directory.path)
        #expect(unknown.status == 1 && unknown.stderr.hasPrefix("error: no API key"))
    }

    @Test func badArgumentsFailWithOneLine() throws {
        let scope = try mergeServer("keys", "create", "--name", "x", "--scope", "render,root", "--data-dir", directory.path)
        #expect(scope.status == 64 && scope.stderr.contains("--scope") && scope.stderr.contains("root"))
        let rate = try mergeServer("keys", "create", "--name", "x", "--rate", "fast", "--data-dir", directory.path)
        #expect(rate.status == 64 && rate.stderr.contains("--rate"))
        let budget = try mergeServer("keys", "create", "--name", "x", "--budget-usd", "0", "--data-dir", directory.path)
        #expect(budget.status == 64 && budget.stderr.contains("--budget-usd"))
        #expect(try mergeServer("keys", "list", "--data-dir", directory.path).stdout.contains("no API keys"))
    }

    /// `timeout` ends a server that started when it should not have (exit 124), so a
    /// broken rule fails the test instead of hanging it.
    @Test func servingAPublicAddressWithoutKeysIsRefused() throws {
        let refused = try ProcessRunner.run(
            "timeout", ["20", Paths.mergeServer, "serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", directory.path])
        #expect(refused.status == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("no API keys") && refused.stderr.contains("--insecure-no-auth"))
    }

    @Test func insecureNoAuthStartsAndWarns() throws {
        let started = try ProcessRunner.run(
            "timeout", ["3", Paths.mergeServer, "serve", "--host", "0.0.0.0", "--port", "0", "--insecure-no-auth", "--data-dir", directory.path])
        #expect(started.stdout.contains("merge-server listening on"), "\(started.stderr)")
        #expect(started.stderr.contains("open to anyone"))
    }

    @Test func aLoopbackServerWithoutKeysSaysSo() throws {
        let started = try ProcessRunner.run(
            "timeout", ["3", Paths.mergeServer, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", directory.path])
        #expect(started.stdout.contains("merge-server listening on"), "\(started.stderr)")
        #expect(started.stderr.contains("no API keys: open to local callers only"))
    }
}
