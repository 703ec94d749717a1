import Foundation
import TestSupport
import Testing

@testable import MergeServer

#if canImport(Glibc)
    import Glibc
#endif

/// `S3Client` against a real S3 gateway (SeaweedFS, started by the tests): real bytes,
/// real signatures, real error documents.
@Suite(.seaweedFS) struct S3ClientTests {
    @Test func aFixtureVideoRoundTripsByteForByte() async throws {
        let client = try await S3TestServer.client()
        let directory = try TemporaryDirectory()
        let fixture = Paths.fixture("clip_1280x720_30.mp4")
        let size = try await client.put(file: fixture, key: "videos/clip.mp4")
        #expect(size == Int64(try Data(contentsOf: URL(fileURLWithPath: fixture)).count))
        #expect(try await client.head(key: "videos/clip.mp4").size == size)

        let copy = directory.file("copy.mp4")
        #expect(try await client.get(key: "videos/clip.mp4", to: copy) == size)
        #expect(try S3TestFiles.same(fixture, copy))
        #expect(directory.contents() == ["copy.mp4"], "no temporary file left")

        try await client.delete(key: "videos/clip.mp4")
        await #expect(throws: S3Error.notFound(key: "videos/clip.mp4")) { try await client.head(key: "videos/clip.mp4") }
    }

    @Test func keysWithSpacesAndUnicodeAreSignedAndStored() async throws {
        let client = try await S3TestServer.client()
        let directory = try TemporaryDirectory()
        let source = try S3TestFiles.random(10_000, in: directory)
        let key = "odd names/ä b+c=d&e;(1).bin"
        try await client.put(file: source, key: key)
        try await client.get(key: key, to: directory.file("back"))
        #expect(try S3TestFiles.same(source, directory.file("back")))
    }

    @Test func twelveMebibytesGoUpInFiveMebibyteParts() async throws {
        let client = try await S3TestServer.client(multipartThreshold: 5 << 20, partSize: 5 << 20)
        let directory = try TemporaryDirectory()
        let source = try S3TestFiles.random(12 << 20, in: directory)
        let parts = PartCounter()
        var counting = client
        counting.afterPart = { parts.record($0) }
        try await counting.put(file: source, key: "big.bin")
        #expect(parts.numbers == [1, 2, 3])

        let info = try await client.head(key: "big.bin")
        #expect(info.size == 12 << 20)
        try await client.get(key: "big.bin", to: directory.file("back.bin"))
        #expect(try S3TestFiles.same(source, directory.file("back.bin")))
        #expect(try await client.openUploads(under: "big.bin").isEmpty)
    }

    /// The source shrinks after the first part (a real read failure, not a simulated
    /// one): the upload fails clearly and is aborted, so no parts stay in the bucket.
    @Test func aFailureMidMultipartLeavesNoUploadOpen() async throws {
        var client = try await S3TestServer.client(multipartThreshold: 5 << 20, partSize: 5 << 20)
        let directory = try TemporaryDirectory()
        let source = try S3TestFiles.random(12 << 20, in: directory)
        client.afterPart = { number in
            if number == 1 { truncate(source, 6 << 20) }
        }
        await #expect {
            try await client.put(file: source, key: "broken.bin")
        } throws: { error in
            guard case S3Error.localFile(_, let detail, false) = error else { return false }
            return detail.contains("ended early")
        }
        #expect(try await client.openUploads(under: "broken.bin").isEmpty)
        await #expect(throws: S3Error.notFound(key: "broken.bin")) { try await client.head(key: "broken.bin") }
    }

    /// A task cancelled between parts stops, and the upload is still aborted.
    @Test func aCancelledMultipartUploadIsAborted() async throws {
        var client = try await S3TestServer.client(multipartThreshold: 5 << 20, partSize: 5 << 20)
        let directory = try TemporaryDirectory()
        let source = try S3TestFiles.random(11 << 20, in: directory)
        // Cancels the task that runs the upload (its own, not the test's).
        client.afterPart = { _ in withUnsafeCurrentTask { $0?.cancel() } }
        let upload = client
        let task = Task { try await upload.put(file: source, key: "cancelled.bin") }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await client.openUploads(under: "cancelled.bin").isEmpty)
    }

    @Test func aPresignedGETServesThePlainHTTPClientWithRanges() async throws {
        let client = try await S3TestServer.client()
        let directory = try TemporaryDirectory()
        let source = try S3TestFiles.random(300_000, in: directory)
        try await client.put(file: source, key: "dir/presigned file.bin")
        let url = try S3Presigner(configuration: client.configuration).presignedGET(key: "dir/presigned file.bin", expiresIn: 300)
        #expect(url.contains("X-Amz-Algorithm=AWS4-HMAC-SHA256") && url.contains("X-Amz-Expires=300"))

        #expect(try S3TestFiles.curl(url, output: directory.file("whole")) == 200)
        #expect(try S3TestFiles.same(source, directory.file("whole")))
        #expect(try S3TestFiles.curl(url, output: directory.file("range"), extra: ["-r", "1000-1999"]) == 206)
        let expected = try Data(contentsOf: URL(fileURLWithPath: source))[1000..<2000]
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.file("range"))) == expected)
    }

    @Test func expiredOrTamperedPresignedURLsAreRefused() async throws {
        let client = try await S3TestServer.client()
        let directory = try TemporaryDirectory()
        try await client.put(file: try S3TestFiles.random(1000, in: directory), key: "secret.bin")
        let presigner = S3Presigner(configuration: client.configuration)
        let body = directory.file("body")

        let expired = try presigner.presignedGET(key: "secret.bin", expiresIn: 60, now: Date().addingTimeInterval(-600))
        #expect(try S3TestFiles.curl(expired, output: body) == 403)

        let good = try presigner.presignedGET(key: "secret.bin", expiresIn: 300)
        let tamperedSignature = String(good.dropLast()) + (good.hasSuffix("0") ? "1" : "0")
        #expect(try S3TestFiles.curl(tamperedSignature, output: body) == 403)
        let longer = good.replacingOccurrences(of: "X-Amz-Expires=300", with: "X-Amz-Expires=3000")
        #expect(try S3TestFiles.curl(longer, output: body) == 403)
        // The refusal is S3's XML, not the object.
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: body)), as: UTF8.self).contains("<Error>"))

        #expect(throws: ConfigurationError.self) { try presigner.presignedGET(key: "secret.bin", expiresIn: 0) }
        #expect(throws: ConfigurationError.self) { try presigner.presignedGET(key: "secret.bin", expiresIn: 604_801) }
    }

    @Test func aWrongSecretSaysToCheckTheCredentials() async throws {
        let client = try await S3TestServer.client(secret: "not-the-secret")
        let directory = try TemporaryDirectory()
        let source = try S3TestFiles.random(1000, in: directory)
        for attempt in [
            { _ = try await client.put(file: source, key: "x.bin") },
            { _ = try await client.get(key: "x.bin", to: directory.file("x")) },
            { _ = try await client.head(key: "x.bin") },
        ] as [@Sendable () async throws -> Void] {
            await #expect {
                try await attempt()
            } throws: { error in
                guard case S3Error.accessDenied = error else { return false }
                return "\(error)".contains("AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("x")))
    }

    @Test func aMissingKeyIsNotFoundAndCreatesNoFile() async throws {
        let client = try await S3TestServer.client()
        let directory = try TemporaryDirectory()
        await #expect(throws: S3Error.notFound(key: "nothing.bin")) {
            try await client.get(key: "nothing.bin", to: directory.file("nothing.bin"))
        }
        await #expect(throws: S3Error.notFound(key: "nothing.bin")) { try await client.head(key: "nothing.bin") }
        #expect(directory.contents().isEmpty)
        try await client.delete(key: "nothing.bin")  // deleting what is not there is fine
    }

    /// A real full disk: a 1 MiB tmpfs receives a 3 MiB object. The download fails with
    /// "no room" and leaves nothing, not even a temporary file.
    @Test(.enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
    func aDownloadIntoAFullDiskLeavesNoPartialFile() async throws {
        let client = try await S3TestServer.client()
        let directory = try TemporaryDirectory()
        try await client.put(file: try S3TestFiles.random(3 << 20, in: directory), key: "large.bin")
        let mountPoint = try TemporaryDirectory()
        guard try ProcessRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.path]).status == 0 else {
            print("skipped: mount -t tmpfs is not permitted here")
            return
        }
        defer { _ = try? ProcessRunner.run("/bin/umount", ["-l", mountPoint.path]) }
        await #expect {
            try await client.get(key: "large.bin", to: mountPoint.file("large.bin"))
        } throws: { error in
            guard case S3Error.localFile(_, _, true) = error else { return false }
            return "\(error)".contains("No room")
        }
        #expect(mountPoint.contents().isEmpty)
    }

    @Test func aDownloadIntoAMissingDirectoryIsAClearErrorAndNoFile() async throws {
        let client = try await S3TestServer.client()
        let directory = try TemporaryDirectory()
        let source = try S3TestFiles.random(1000, in: directory)
        try await client.put(file: source, key: "small.bin")
        // A regular file where a directory should be: no permission trick, so it holds for root too.
        await #expect {
            try await client.get(key: "small.bin", to: source + "/inside.bin")
        } throws: { error in
            guard case S3Error.localFile(_, let detail, false) = error else { return false }
            return detail.contains("cannot create")
        }
        await #expect(throws: S3Error.self) { try await client.put(file: directory.file("absent.bin"), key: "x") }
        #expect(directory.contents() == ["random.bin"])
    }

    @Test func aMissingBucketIsNamedAsSuch() async throws {
        var configuration = try await S3TestServer.configuration()
        configuration.location = try S3Location(parsing: "s3://no-such-bucket-here/x")
        let directory = try TemporaryDirectory()
        // A GET (a PUT would make the bucket: SeaweedFS creates buckets for admin keys).
        await #expect {
            try await S3Client(configuration: configuration).get(key: "a", to: directory.file("a"))
        } throws: { error in
            guard case S3Error.service(404, "NoSuchBucket", _) = error else { return false }
            return "\(error)".contains("--storage s3://BUCKET/PREFIX")
        }
    }

    @Test func anUnreachableEndpointAndASilentOneAreClearErrors() async throws {
        let location = try S3Location(parsing: "s3://bucket/prefix")
        let credentials = S3Configuration.Credentials(accessKeyID: "key", secretAccessKey: "secret")
        let directory = try TemporaryDirectory()

        let closedPort = try S3Configuration(location: location, credentials: credentials, endpoint: "http://127.0.0.1:1")
        await #expect {
            try await S3Client(configuration: closedPort).head(key: "x")
        } throws: { error in
            guard case S3Error.unreachable = error else { return false }
            return "\(error)".contains("AWS_ENDPOINT_URL")
        }

        // A socket that accepts connections and never answers.
        let listener = try SilentListener()
        var silent = try S3Configuration(location: location, credentials: credentials, endpoint: "http://127.0.0.1:\(listener.port)")
        silent.requestTimeout = .seconds(1)
        await #expect {
            try await S3Client(configuration: silent).get(key: "x", to: directory.file("x"))
        } throws: { error in
            guard case S3Error.timedOut = error else { return false }
            return true
        }
        #expect(directory.contents().isEmpty)
    }
}

/// Part numbers seen by `afterPart`.
final class PartCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [Int] = []
    func record(_ number: Int) { lock.withLock { seen.append(number) } }
    var numbers: [Int] { lock.withLock { seen } }
}

/// A loopback TCP socket that listens (the kernel completes handshakes) but never reads or answers.
final class SilentListener: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
        }
        guard socketDescriptor >= 0, bound == 0, named == 0, listen(socketDescriptor, 8) == 0 else {
            close(socketDescriptor)
            throw TestFailure("could not listen on loopback")
        }
        descriptor = socketDescriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
