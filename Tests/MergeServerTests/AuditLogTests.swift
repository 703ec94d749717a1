import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// The audit log: what is recorded, by whom, with which request id; admin-only; rows
/// cannot be changed.
@Suite struct AuditLogTests {
    @Test func keyChangesAndJobActionsAreRecordedForTheAdmin() async throws {
        let server = try await TestServer.make(workers: 0)
        let admin = try await server.dependencies.apiKeys.create(name: "admin", scopes: [.admin])
        try await server.test { client in
            var headers = bearer(admin.key)
            headers[.requestID] = "audit-test-1"
            let created = try await client.postJSON("/api/keys", #"{"name": "worker", "scopes": ["render", "read"]}"#, headers: headers)
            let worker = try #require(created.body["key"] as? String)
            let workerID = try #require(created.body["id"] as? String)

            let clip = try await client.uploadID("clip_640x480_25.mp4", key: worker)
            let accepted = try await client.postJSON("/api/mv/merge_videos", timelineJSON(clips: [clip]), headers: bearer(worker))
            let job = try #require(accepted.body["job_id"] as? String)
            try await client.execute(uri: "/api/jobs/\(job)", method: .delete, headers: bearer(worker)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/keys/\(workerID)", method: .delete, headers: bearer(admin.key)) {
                #expect($0.status == .ok)
            }
            // Revoking again is not a second revocation.
            try await client.execute(uri: "/api/keys/\(workerID)", method: .delete, headers: bearer(admin.key)) {
                #expect($0.status == .ok)
            }

            try await client.execute(uri: "/api/audit", method: .get, headers: bearer(worker)) { #expect($0.status == .unauthorized) }
            let page = try await client.execute(uri: "/api/audit", method: .get, headers: bearer(admin.key)) { response in
                #expect(response.status == .ok)
                return try jsonObject(response.body)
            }
            let entries = try #require(page["entries"] as? [[String: Any]])
            let actions = entries.compactMap { $0["action"] as? String }
            #expect(actions == ["key.revoked", "job.canceled", "job.submitted", "key.created"])
            let byAction = Dictionary(entries.map { ($0["action"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            #expect(byAction["key.created"]?["subject"] as? String == workerID)
            #expect(byAction["key.created"]?["actor_key_id"] as? String == admin.record.id)
            #expect(byAction["key.created"]?["request_id"] as? String == "audit-test-1")
            #expect(byAction["job.submitted"]?["subject"] as? String == job)
            #expect(byAction["job.submitted"]?["actor_key_id"] as? String == workerID)
            #expect(byAction["job.canceled"]?["actor_key_id"] as? String == workerID)

            let paged = try await client.execute(uri: "/api/audit?limit=3", method: .get, headers: bearer(admin.key)) {
                try jsonObject($0.body)
            }
            let before = try #require(paged["next_before"] as? Int)
            let rest = try await client.execute(uri: "/api/audit?before=\(before)", method: .get, headers: bearer(admin.key)) {
                try jsonObject($0.body)
            }
            #expect((rest["entries"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["key.created"])
            #expect(rest["next_before"] is NSNull)
        }
    }

    @Test(arguments: StoreEngine.allCases) func rowsCannotBeChangedOrRemoved(store: StoreEngine) async throws {
        let directory = try TemporaryDirectory()
        let database = try await store.open(in: directory)
        let audit = AuditLog(database: database)
        try await audit.record(.keyCreated, subject: "key_1", actor: nil, via: .cli)
        #expect(throws: (any Error).self) { try database.writeNow { try $0.execute("UPDATE audit_log SET subject = 'x'") } }
        #expect(throws: (any Error).self) { try database.writeNow { try $0.execute("DELETE FROM audit_log") } }
        #expect(try audit.list(limit: 10).map(\.subject) == ["key_1"])
    }

    @Test func theCommandLineRecordsKeyChanges() async throws {
        let directory = try TemporaryDirectory()
        let created = try ProcessRunner.run(Paths.mergeServer, ["keys", "create", "--name", "ops", "--json", "--data-dir", directory.path])
        let id = try #require((try JSONSerialization.jsonObject(with: created.stdoutData) as? [String: Any])?["id"] as? String)
        _ = try ProcessRunner.run(Paths.mergeServer, ["keys", "revoke", id, "--data-dir", directory.path])
        var configuration = ServerConfiguration()
        configuration.dataDirectory = directory.path
        let entries = try APIKeyRepository.open(configuration).auditLog.list(limit: 10)
        #expect(entries.map(\.action) == ["key.revoked", "key.created"])
        #expect(entries.allSatisfy { $0.via == "cli" && $0.actorKeyID == nil && $0.subject == id })
    }
}
