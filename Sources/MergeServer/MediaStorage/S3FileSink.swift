import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The file a download streams into: a hidden temporary name beside `path`, renamed to
/// `path` only once every byte is written and flushed, removed on any failure — so
/// `path` is either absent or complete. Owns its descriptor.
final class S3FileSink {
    let path: String
    let temporaryPath: String
    private var descriptor: Int32
    private(set) var bytesWritten: Int64 = 0
    /// Why a write failed (the transfer is then aborted), once one has.
    private(set) var failure: S3Error?
    private var settled = false

    /// The prefix of temporary download names, so leftovers of a killed process can be found.
    static let temporaryPrefix = ".s3-download-"

    init(path: String) throws(S3Error) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        temporaryPath = (directory.isEmpty ? "." : directory) + "/" + Self.temporaryPrefix + UUID().uuidString + "-" + name
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            throw .localFile(
                path: path, detail: "cannot create a file in \(directory.isEmpty ? "." : directory): \(String(cString: strerror(code)))",
                noSpace: code == ENOSPC || code == EDQUOT)
        }
    }

    deinit { discard() }

    /// Appends `bytes`; false (and `failure` set) when the disk refused them.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard descriptor >= 0, let base = bytes.baseAddress else { return bytes.isEmpty }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                fail(errno)
                return false
            }
            offset += written
        }
        bytesWritten += Int64(bytes.count)
        return true
    }

    /// Flushes, closes and renames the file to `path` (replacing what is there).
    func commit() throws(S3Error) {
        if let failure { throw failure }
        if fsync(descriptor) != 0 { fail(errno) }
        if close(descriptor) != 0, failure == nil { fail(errno) }
        descriptor = -1
        if let failure {
            discard()
            throw failure
        }
        guard rename(temporaryPath, path) == 0 else {
            let code = errno
            discard()
            throw .localFile(path: path, detail: "rename failed: \(String(cString: strerror(code)))", noSpace: code == ENOSPC)
        }
        settled = true
    }

    /// Closes and removes the temporary file (idempotent; nothing after `commit`).
    func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        if !settled {
            unlink(temporaryPath)
            settled = true
        }
    }

    private func fail(_ code: Int32) {
        guard failure == nil else { return }
        failure = .localFile(path: path, detail: String(cString: strerror(code)), noSpace: code == ENOSPC || code == EDQUOT)
    }
}
