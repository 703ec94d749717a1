import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The file a download streams into: `path.partial`, hashed while written, renamed to
/// `path` on success and removed on any failure. Owns its file descriptor; used on the
/// curl loop thread only.
final class CurlDownloadSink {
    let path: String
    let partialPath: String
    private let url: String
    private var descriptor: Int32
    private var hasher = SHA256()
    private(set) var bytesWritten: Int64 = 0
    /// True once the partial file is renamed or removed.
    private var settled = false

    init(path: String, url: String) throws(HTTPClientError) {
        self.path = path
        partialPath = path + ".partial"
        self.url = url
        descriptor = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw HTTPClientError(
                .io, "Could not create \(partialPath): \(Self.lastError()). Check the directory exists and is writable.",
                url: url, sent: false)
        }
    }

    deinit { discard() }

    /// Appends and hashes `bytes`; returns why it failed, if it did.
    func write(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard descriptor >= 0 else { return "the download file is already closed" }
        hasher.update(bufferPointer: bytes)
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return "writing \(partialPath) failed: \(Self.lastError())"
            }
            offset += written
        }
        bytesWritten += Int64(bytes.count)
        return nil
    }

    /// Flushes, closes and renames the partial file to `path` (atomic on one file
    /// system); returns the SHA-256 of the bytes, in lowercase hex.
    func commit() throws(HTTPClientError) -> String {
        let flushed = fsync(descriptor) == 0 ? nil : Self.lastError()
        let closed = close(descriptor) == 0 ? nil : Self.lastError()
        descriptor = -1
        if let problem = flushed ?? closed {
            discard()
            throw HTTPClientError(.io, "Could not finish writing \(partialPath): \(problem). Check the disk has room.", url: url, sent: true)
        }
        guard rename(partialPath, path) == 0 else {
            let problem = Self.lastError()
            discard()
            throw HTTPClientError(.io, "Could not rename \(partialPath) to \(path): \(problem).", url: url, sent: true)
        }
        settled = true
        return SHA256Hex.hex(hasher.finalize())
    }

    /// Closes and removes the partial file (idempotent; nothing after `commit`).
    func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        if !settled {
            unlink(partialPath)
            settled = true
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
