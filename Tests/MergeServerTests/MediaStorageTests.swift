import Foundation
import TestSupport
import Testing

@testable import MergeServer

/// The same cases for both storages: the data directory and an S3 bucket (SeaweedFS).
@Suite(.seaweedFS) struct MediaStorageTests {
    enum Kind: String, CaseIterable, Sendable { case local, s3 }

    /// A storage of `kind` with its own directory (and, for S3, its own prefix and cache).
    struct Subject {
        let storage: any MediaStorage
        let directory: TemporaryDirectory
        /// Where files to store are made (the same file system as a local storage's root).
        var scratch: String { directory.path }

        static func make(_ kind: Kind, cacheCapacity: Int64 = 64 << 20, redirects: Bool = false) async throws -> Subject {
            let directory = try TemporaryDirectory()
            switch kind {
            case .local:
                return Subject(storage: LocalMediaStorage(root: directory.file("data")), directory: directory)
            case .s3:
                let client = S3Client(configuration: try await S3TestServer.configuration())
                let cache = try BoundedFileCache(directory: directory.file("cache"), capacity: cacheCapacity)
                return Subject(storage: S3MediaStorage(client: client, cache: cache, redirects: redirects), directory: directory)
            }
        }

        func copyOfFixture(_ name: String) throws -> String {
            let path = directory.file("incoming-" + UUID().uuidString)
            try FileManager.default.copyItem(atPath: Paths.fixture(name), toPath: path)
            return path
        }
    }

    @Test(arguments: Kind.allCases)
    func aStoredVideoComesBackByteForByte(kind: Kind) async throws {
        let subject = try await Subject.make(kind)
        let fixture = Paths.fixture("clip_1280x720_30.mp4")
        let incoming = try subject.copyOfFixture("clip_1280x720_30.mp4")
        let size = try await subject.storage.store(file: incoming, key: "videos/vid_1.mp4")
        #expect(!FileManager.default.fileExists(atPath: incoming), "the stored file was taken")
        #expect(try await subject.storage.size(key: "videos/vid_1.mp4") == size)

        let copy = subject.directory.file("copy.mp4")
        #expect(try await subject.storage.fetch(key: "videos/vid_1.mp4", to: copy) == size)
        #expect(try S3TestFiles.same(fixture, copy))
        let same = try await subject.storage.withLocalFile(key: "videos/vid_1.mp4") { try S3TestFiles.same(fixture, $0) }
        #expect(same)
    }

    @Test(arguments: Kind.allCases)
    func aDeletedOrMissingKeyIsNotFound(kind: Kind) async throws {
        let subject = try await Subject.make(kind)
        try await subject.storage.store(file: try subject.copyOfFixture("clip_640x480_25.mp4"), key: "assets/a.mp4")
        try await subject.storage.delete(key: "assets/a.mp4")
        try await subject.storage.delete(key: "assets/a.mp4")  // twice is fine
        let missing = MediaStorageError.notFound(key: "assets/a.mp4")
        await #expect(throws: missing) { try await subject.storage.size(key: "assets/a.mp4") }
        await #expect(throws: missing) { try await subject.storage.fetch(key: "assets/a.mp4", to: subject.directory.file("x")) }
        await #expect(throws: missing) { try await subject.storage.withLocalFile(key: "assets/a.mp4") { _ in } }
        await #expect(throws: missing) { try await subject.storage.serving(key: "assets/a.mp4", expiresIn: 60) }
        #expect(!FileManager.default.fileExists(atPath: subject.directory.file("x")))
    }

    @Test(arguments: Kind.allCases)
    func hostileKeysAreRefusedBeforeAnyIO(kind: Kind) async throws {
        let subject = try await Subject.make(kind)
        let incoming = try subject.copyOfFixture("clip_640x480_25.mp4")
        for key in ["../escape.mp4", "/abs.mp4", "a//b.mp4", "videos/../../x"] {
            await #expect(throws: MediaStorageError.self) { try await subject.storage.store(file: incoming, key: key) }
            await #expect(throws: MediaStorageError.self) { try await subject.storage.size(key: key) }
            await #expect(throws: MediaStorageError.self) { try await subject.storage.delete(key: key) }
        }
        #expect(FileManager.default.fileExists(atPath: incoming), "a refused store leaves the file where it was")
    }

    /// Local storage streams the file; S3 streams its cached copy, or redirects to a
    /// presigned URL that a plain HTTP client can fetch.
    @Test(arguments: [(Kind.local, false), (.s3, false), (.s3, true)])
    func servingIsAFileOrAWorkingRedirect(kind: Kind, redirects: Bool) async throws {
        let subject = try await Subject.make(kind, redirects: redirects)
        let fixture = Paths.fixture("clip_640x480_25.mp4")
        try await subject.storage.store(file: try subject.copyOfFixture("clip_640x480_25.mp4"), key: "videos/v.mp4")
        switch try await subject.storage.serving(key: "videos/v.mp4", expiresIn: 120) {
        case .file(let path):
            #expect(!redirects)
            #expect(try S3TestFiles.same(fixture, path))
        case .redirect(let url):
            #expect(redirects)
            let body = subject.directory.file("fetched")
            #expect(try S3TestFiles.curl(url, output: body) == 200)
            #expect(try S3TestFiles.same(fixture, body))
        }
    }

    /// A second node (a fresh cache over the same prefix) downloads what the first stored.
    @Test func anotherNodeReadsWhatOneStoredThroughItsOwnCache() async throws {
        let configuration = try await S3TestServer.configuration()
        let directory = try TemporaryDirectory()
        let first = S3MediaStorage(
            client: S3Client(configuration: configuration), cache: try BoundedFileCache(directory: directory.file("one"), capacity: 1 << 30))
        let secondCache = try BoundedFileCache(directory: directory.file("two"), capacity: 1 << 30)
        let second = S3MediaStorage(client: S3Client(configuration: configuration), cache: secondCache)
        let incoming = directory.file("in.mp4")
        try FileManager.default.copyItem(atPath: Paths.fixture("clip_720x1280_60.mp4"), toPath: incoming)
        try await first.store(file: incoming, key: "videos/shared.mp4")
        #expect(await !secondCache.contains(key: "videos/shared.mp4"))
        let same = try await second.withLocalFile(key: "videos/shared.mp4") { try S3TestFiles.same(Paths.fixture("clip_720x1280_60.mp4"), $0) }
        #expect(same)
        #expect(await secondCache.contains(key: "videos/shared.mp4"))
    }
}
