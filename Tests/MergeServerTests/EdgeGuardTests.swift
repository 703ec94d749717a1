import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import MergeServer

/// What a browser page, a slow client or a crowd of clients can make the server do:
/// the Host and Origin checks, the JSON Content-Type rule, the caps on connections,
/// held `?wait` requests and event streams, and the read deadline.
@Suite(.serialized) struct EdgeGuardTests {
    /// `curl -w` prints the status on the last line after the body.
    private func status(_ server: ServerProcess, _ arguments: [String], _ path: String) throws -> (code: Int, text: String) {
        let output = try server.curl(["-w", "\n%{http_code}"] + arguments, path)
        let code = Int(output.split(separator: "\n").last ?? "") ?? -1
        return (code, output)
    }

    @Test func hostOriginAndContentTypeKeepBrowsersFromDrivingTheServer() throws {
        let data = try TemporaryDirectory()
        let server = try ServerProcess(
            dataDirectory: data.path,
            environment: [
                "MERGE_SERVER_PUBLIC_HOSTS": "media.example.com", "MERGE_SERVER_ALLOWED_ORIGINS": "https://studio.example.com",
            ])
        defer { server.stop() }
        let song = try server.upload("song_120bpm.m4a", type: "audio/mp4")
        let body = "{\"audio\": \"\(song)\"}"

        // DNS rebinding: a name the operator never configured.
        let rebound = try status(server, ["-H", "Host: attacker.example"], "/api/jobs")
        #expect(rebound.code == 421 && rebound.text.contains("unknown_host"), "\(rebound)")
        #expect(
            try status(
                server,
                [
                    "-H", "Host: attacker.example:\(server.port)", "-X", "POST", "-H", "Content-Type: application/json",
                    "-d", body,
                ], "/api/mv/analyze_audio"
            ).code == 421)
        #expect(try status(server, ["-H", "Host: localhost:\(server.port)"], "/api/jobs").code == 200)
        #expect(try status(server, ["-H", "Host: media.example.com"], "/api/jobs").code == 200, "a configured public name")
        #expect(try status(server, ["-H", "Host: [::1]:\(server.port)"], "/api/jobs").code == 200, "an address cannot be rebound")

        // A cross-site form or no-cors fetch: no JSON type, or a foreign Origin.
        let untyped = try status(server, ["-X", "POST", "-H", "Content-Type:", "-d", body], "/api/mv/analyze_audio")
        #expect(untyped.code == 415 && untyped.text.contains("no Content-Type"), "\(untyped)")
        #expect(try status(server, ["-X", "POST", "-H", "Content-Type: text/plain", "-d", body], "/api/mv/analyze_audio").code == 415)
        #expect(try status(server, ["-X", "POST", "-H", "Content-Type: application/jsonp", "-d", body], "/api/mv/analyze_audio").code == 415)
        let foreign = try status(
            server,
            [
                "-X", "POST", "-H", "Origin: https://attacker.example", "-H", "Content-Type: application/json",
                "-d", body,
            ], "/api/mv/analyze_audio")
        #expect(foreign.code == 403 && foreign.text.contains("cross_origin_refused"), "\(foreign)")
        #expect(try status(server, ["-H", "Origin: null"], "/api/jobs").code == 403, "sandboxed frames send null")
        #expect((try server.json([], "/api/jobs")["jobs"] as? [Any])?.isEmpty == true, "nothing refused became a job")

        // The server's own pages (same origin) and configured origins pass; the latter get CORS.
        #expect(try status(server, ["-H", "Origin: \(server.base)"], "/api/jobs").code == 200)
        let allowed = try server.curl(["-D", "-", "-o", "/dev/null", "-H", "Origin: https://studio.example.com"], "/api/jobs")
        #expect(allowed.contains("200") && allowed.lowercased().contains("access-control-allow-origin: https://studio.example.com"), "\(allowed)")
        let preflight = try server.curl(
            [
                "-D", "-", "-o", "/dev/null", "-X", "OPTIONS", "-H", "Origin: https://studio.example.com",
                "-H", "Access-Control-Request-Method: POST",
            ], "/api/mv/analyze_audio")
        #expect(preflight.contains("204") && preflight.lowercased().contains("access-control-allow-methods"), "\(preflight)")
        let accepted = try status(
            server,
            [
                "-X", "POST", "-H", "Origin: https://studio.example.com", "-H", "Content-Type: application/json",
                "-d", body,
            ], "/api/mv/analyze_audio")
        #expect(accepted.code == 202, "\(accepted)")
        // A refusal reaches a configured origin's page readable: with its CORS headers.
        let refused = try server.curl(
            [
                "-D", "-", "-X", "POST", "-H", "Origin: https://studio.example.com",
                "-H", "Content-Type: application/json", "-d", "{\"audio\": 7}",
            ], "/api/mv/analyze_audio")
        #expect(
            refused.contains("422") && refused.lowercased().contains("access-control-allow-origin: https://studio.example.com"),
            "\(refused)")
    }

    @Test func halfSentRequestsAndIdleConnectionsAreDropped() throws {
        let data = try TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: data.path, environment: ["MERGE_SERVER_READ_TIMEOUT_SECONDS": "1"])
        defer { server.stop() }
        // 300 clients that start a request and never finish its head, and 10 that never
        // send a byte: all are closed once they have been silent for the deadline.
        var connections: [RawConnection] = []
        for index in 0..<310 {
            let connection = try RawConnection(port: server.port)
            if index < 300 { connection.send("POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/mp4\r\n") }
            connections.append(connection)
        }
        // A body that stops half way.
        let stalled = try RawConnection(port: server.port)
        stalled.send("POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/mp4\r\nContent-Length: 100000\r\n\r\n0123456789")
        connections.append(stalled)
        let open = connections.filter { !$0.isClosed(within: 15) }.count
        #expect(open == 0, "\(open) of \(connections.count) silent connections were still open")
        #expect(try server.json([], "/api/jobs")["jobs"] != nil, "the server still answers")
    }

    @Test func connectionsBeyondTheCapAreClosedAtOnce() throws {
        let data = try TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: data.path, environment: ["MERGE_SERVER_MAX_CONNECTIONS": "4"])
        defer { server.stop() }
        var held = try (0..<4).map { _ in try RawConnection(port: server.port) }
        #expect(!held[0].isClosed(within: 0.5), "connections within the cap stay open")
        let extra = try RawConnection(port: server.port)
        #expect(extra.isClosed(within: 5), "the fifth connection is closed")
        held.removeAll()
        // The count goes down as connections close.
        var answered = false
        for _ in 0..<50 where !answered {
            answered = (try? server.json([], "/api/jobs"))?["jobs"] != nil
            if !answered { usleep(100_000) }
        }
        #expect(answered)
    }

    @Test func multipartBytesOutsideTheFilePartCountAgainstTheUploadLimit() throws {
        let data = try TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: data.path, environment: ["MERGE_SERVER_MAX_UPLOAD_BYTES": "300000"])
        defer { server.stop() }
        let padding = data.path + "/padding.txt"
        try Data(repeating: UInt8(ascii: "x"), count: 400_000).write(to: URL(fileURLWithPath: padding))
        // Chunked, so no Content-Length tells the size up front.
        let answer = try status(
            server,
            [
                "-X", "POST", "-H", "Transfer-Encoding: chunked", "-F", "note=<" + padding,
                "-F", "file=@" + Paths.fixture("clip_rotated.mp4"),
            ], "/api/uploads")
        #expect(answer.code == 413 && answer.text.contains("upload_too_large"), "\(answer.code)")
    }

    @Test func eventStreamsAreCappedInAllAndPerJob() throws {
        let hub = JobEventHub(maxSubscribers: 3, maxSubscribersPerJob: 2)
        let a1 = try hub.subscribe(job: "a", after: nil, heartbeat: .seconds(60))
        let a2 = try hub.subscribe(job: "a", after: nil, heartbeat: .seconds(60))
        #expect(throws: JobEventHub.TooManySubscribers.self) { try hub.subscribe(job: "a", after: nil, heartbeat: .seconds(60)) }
        let b1 = try hub.subscribe(job: "b", after: nil, heartbeat: .seconds(60))
        #expect(throws: JobEventHub.TooManySubscribers.self) { try hub.subscribe(job: "c", after: nil, heartbeat: .seconds(60)) }
        #expect(hub.subscriberCount == 3)
        // A job's end releases its streams; a client leaving releases its own.
        hub.publish(job: "a", name: "done", data: "{}", final: true)
        b1.close()
        #expect(hub.subscriberCount == 0)
        _ = try hub.subscribe(job: "c", after: nil, heartbeat: .seconds(60))
        #expect(hub.subscriberCount == 0, "a subscription dropped unread (its response abandoned) frees its place")
        withExtendedLifetime((a1, a2)) {}

        // A Last-Event-ID at the top of the range is simply later than everything kept.
        hub.publish(job: "d", name: "progress", data: "{}")
        let latest = try hub.subscribe(job: "d", after: UInt64.max, heartbeat: .seconds(60))
        #expect(latest.missed == [])
        latest.close()
    }

    @Test func aFullEventStreamCapIsA429() async throws {
        let server = try await TestServer.make(workers: 0) { $0.limits.maxEventStreamsPerJob = 0 }
        try await server.test { client in
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            let job = try await client.postJSON("/api/mv/analyze_audio", "{\"audio\": \"\(song)\"}").body["job_id"] as? String ?? ""
            try await client.execute(uri: "/api/jobs/\(job)/events", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
                #expect(String(buffer: response.body).contains("too_many_event_streams"))
            }
        }
    }

    /// With no wait slot free the answer is the 202 at once; without the cap this
    /// request would be held for 110 s, past the test's time limit.
    @Test(.timeLimit(.minutes(1))) func waitsBeyondTheCapAnswerAtOnce() async throws {
        let server = try await TestServer.make(workers: 0) { $0.limits.maxWaiters = 0 }
        try await server.test { client in
            let song = try await client.uploadID("song_120bpm.m4a", contentType: "audio/mp4")
            let answer = try await client.postJSON("/api/mv/analyze_audio?wait=110", "{\"audio\": \"\(song)\"}")
            #expect(answer.status == .accepted && answer.body["status"] as? String == "queued")
        }
    }
}
