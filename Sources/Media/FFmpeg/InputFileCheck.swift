import Foundation

/// Checks a path before FFmpeg sees it, so the common mistakes get plain answers
/// (no such file, a directory, unreadable, empty) instead of FFmpeg's error codes.
enum InputFileCheck {
    /// Returns the file's size in bytes.
    static func requireReadableFile(_ path: String) throws(MediaError) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw MediaError(.fileNotFound, "no such file: \(path); check the path", path: path)
            }
            throw MediaError(.unreadable, "cannot read \(path): \(String(cString: strerror(code)))", path: path)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw MediaError(.notMedia, "\(path) is a directory, not a media file; name a file inside it", path: path)
        }
        // A pipe or device never ends, or blocks FFmpeg in open() where no callback can stop it.
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw MediaError(.notMedia, "\(path) is not a regular file (a pipe, socket or device); give a media file", path: path)
        }
        guard access(path, R_OK) == 0 else {
            throw MediaError(.unreadable, "cannot read \(path): permission denied; make it readable (chmod +r)", path: path)
        }
        guard info.st_size > 0 else {
            throw MediaError(.emptyFile, "\(path) is empty (0 bytes); re-export or re-download it", path: path)
        }
        return Int64(info.st_size)
    }

    /// The file's first `count` bytes (fewer when it is shorter), to recognise what it is
    /// before FFmpeg opens it.
    static func head(of path: String, count: Int = 256 * 1024) throws(MediaError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MediaError(.unreadable, "cannot read \(path): \(String(cString: strerror(errno)))", path: path)
        }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.read(upToCount: count) ?? Data())
        } catch {
            throw MediaError(.unreadable, "cannot read \(path): \(error.localizedDescription)", path: path)
        }
    }
}
