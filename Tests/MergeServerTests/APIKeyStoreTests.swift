import Crypto
import Foundation
import MergeServer
import TestSupport
import Testing

/// The key store against a real SQLite file: hashes only, lookup by prefix, the pepper.
@Suite struct APIKeyStoreTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func repository(pepper: String? = nil) throws -> APIKeyRepository {
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory.path
        configuration.keyPepper = pepper
        return try APIKeyRepository.open(configuration)
    }

    @Test func keysAreRandomAndStoredOnlyAsAPepperedHash() async throws {
        let keys = try repository()
        let first = try await keys.create(name: "a", scopes: [.read])
        let second = try await keys.create(name: "b", scopes: [.read])
        #expect(first.key != second.key)
        #expect(first.key.range(of: "^msk_[0-9a-f]{40}$", options: .regularExpression) != nil)
        #expect(first.record.id.range(of: "^key_[0-9a-f]{24}$", options: .regularExpression) != nil)
        #expect(try keys.authenticate(first.key)?.id == first.record.id)
        #expect(try keys.authenticate(second.key)?.id == second.record.id)
        // The database file holds neither key.
        let database = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/mergeserver.sqlite"))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: directory.path + "/mergeserver.sqlite-wal"))) ?? Data()
        for key in [first.key, second.key] {
            #expect(database.range(of: Data(key.utf8)) == nil && wal.range(of: Data(key.utf8)) == nil)
        }
        // One changed digit, same prefix: no match.
        var tampered = Array(first.key)
        tampered[tampered.count - 1] = tampered.last == "0" ? "1" : "0"
        #expect(try keys.authenticate(String(tampered)) == nil)
    }

    @Test func thePepperFileIsMadeOnceAndPrivate() async throws {
        let made = try await repository().create(name: "a", scopes: [.admin]).key
        let path = directory.path + "/key-pepper"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let pepper = try String(contentsOfFile: path, encoding: .utf8)
        // Opened again, the same pepper: the key still authenticates.
        #expect(try repository().authenticate(made)?.name == "a")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == pepper)
        // Another pepper (the environment's wins) and no stored key matches.
        #expect(try repository(pepper: "another-pepper-of-enough-length").authenticate(made) == nil)
        #expect(throws: ConfigurationError.self) { try repository(pepper: "short") }
    }

    @Test func revokingKeepsTheRowAndTheFirstTime() async throws {
        let keys = try repository()
        let made = try await keys.create(name: "a", scopes: [.read], limits: APIKeyLimits(budgetUSD: 5, storageBytes: 1_000))
        let revoked = try #require(try await keys.revoke(id: made.record.id, now: 100))
        #expect(revoked.revokedAt == 100)
        #expect(try await keys.revoke(id: made.record.id, now: 200)?.revokedAt == 100)
        #expect(try keys.authenticate(made.key)?.isRevoked == true)
        #expect(try keys.list().map(\.limits) == [APIKeyLimits(budgetUSD: 5, storageBytes: 1_000)])
        #expect(try await keys.revoke(id: "key_000000000000000000000000") == nil)
        #expect(try keys.anyKeyExists())
    }

    @Test func malformedKeysAreNeverLookedUp() {
        for text in [
            "", "msk_", "MSK_" + String(repeating: "a", count: 40), "msk_" + String(repeating: "A", count: 40),
            "msk_" + String(repeating: "a", count: 39), "msk_" + String(repeating: "a", count: 41),
        ] {
            #expect(APIKeySecret.prefix(of: text) == nil, "\(text)")
        }
        #expect(APIKeySecret.prefix(of: "msk_" + String(repeating: "a", count: 40)) == "msk_aaaaaaaa")
    }
}
