import Crypto
import Foundation
import Media

/// A SHA-256 of the text a mock output is made from, read as the choices that make it.
/// Swift's `Hasher` is seeded per process, so it would give another clip on every
/// run; a digest gives the same clip for the same text on every machine.
struct MockFingerprint: Sendable, Equatable {
    let bytes: [UInt8]

    /// Fields are joined with NUL so ("ab", "c") and ("a", "bc") differ.
    init(_ fields: [String]) {
        bytes = Array(SHA256.hash(data: Data(fields.joined(separator: "\u{0}").utf8)))
    }

    var hex: String { SHA256Hex.hex(bytes) }

    /// The first eight bytes; never 0, which Media treats as the canonical, unvaried look.
    var seed: UInt64 {
        let value = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return value == 0 ? 1 : value
    }

    /// A byte-derived index into `count` options; `slot` picks which bytes (0…14).
    func index(_ count: Int, slot: Int) -> Int {
        let offset = 8 + (slot % 12) * 2
        return (Int(bytes[offset]) << 8 | Int(bytes[offset + 1])) % max(1, count)
    }

    func pick<T>(_ options: [T], slot: Int) -> T { options[index(options.count, slot: slot)] }
}

/// A finished mock output as a provider's result: its size and SHA-256 read back from disk.
enum MockOutput {
    /// Synthesizes `mock-<fingerprint>.<ext>` in the job's work directory and hands it over
    /// as the generation's output. A cancel that lands as it finishes removes the file:
    /// the caller has given up and will not adopt it.
    static func write(
        _ fingerprint: MockFingerprint, fileExtension: String, contentType: String, context: GenerationContext,
        synthesize: (String) async throws -> Void
    ) async throws -> GeneratedFile {
        try FileManager.default.createDirectory(atPath: context.workDirectory, withIntermediateDirectories: true)
        let jobID = "mock-" + fingerprint.hex.prefix(16)
        let path = URL(fileURLWithPath: context.workDirectory).appendingPathComponent("\(jobID).\(fileExtension)").path
        context.progress("generating", 0)
        do {
            try await synthesize(path)
        } catch {
            throw MockFailure.map(error)
        }
        if Task.isCancelled {
            unlink(path)
            throw CancellationError()
        }
        context.progress("generating", 1)
        return try file(path, contentType: contentType, jobID: jobID)
    }

    static func file(_ path: String, contentType: String, jobID: String) throws -> GeneratedFile {
        let digest: (sizeBytes: Int64, sha256: String)
        do {
            digest = try SHA256Hex.ofFile(path)
        } catch {
            throw ProviderError(.generationFailed, "the mock output \(path) cannot be read: \(error.localizedDescription)", provider: "mock")
        }
        return GeneratedFile(
            file: DownloadedFile(
                path: path, sizeBytes: digest.sizeBytes, sha256: digest.sha256,
                contentType: contentType, status: 200),
            providerJobID: jobID, isMock: true)
    }
}

/// Media's failures in provider terms: a cancelled synthesis is `CancellationError`
/// (as for the HTTP providers), a refused spec is `.validation`, anything else `.generationFailed`.
enum MockFailure {
    static func map(_ error: any Error) -> any Error {
        guard let media = error as? MediaError else { return error }
        switch media.kind {
        case .cancelled: return CancellationError()
        case .invalidArgument: return ProviderError(.validation, media.message, provider: "mock")
        default: return ProviderError(.generationFailed, "mock synthesis failed: \(media.description)", provider: "mock")
        }
    }
}
