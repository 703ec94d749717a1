import Foundation

/// A secret kept in a file of the data directory, readable by its owner only (mode
/// 0600), made the first time it is asked for: the key pepper, the server's webhook
/// secret.
enum SecretFile {
    /// The file's text, trimmed; when there is no file, `make()` is written to one first.
    /// `what` names the secret in errors ("the key pepper").
    static func readOrCreate(_ path: String, dataDirectory: String, what: String, make: () -> String) throws(ConfigurationError) -> String {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
        try create(at: path, dataDirectory: dataDirectory, what: what, text: make() + "\n")
        // Read back what is there: another process may have made it first.
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("cannot read \(what) \(path)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes `text`, readable by the owner only, to a file of its own, then links it into
    /// place: `link` fails if a file is already there, so two processes making one at once
    /// agree on the first, and no one reads a half-written file.
    private static func create(at path: String, dataDirectory: String, what: String, text: String) throws(ConfigurationError) {
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError("cannot create the data directory \(dataDirectory): \(error.localizedDescription)")
        }
        let temporary = path + ".\(getpid()).\(UInt32.random(in: .min ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw ConfigurationError("cannot create \(what) \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            throw ConfigurationError("cannot write \(what) \(path): \(String(cString: strerror(errno)))")
        }
        if link(temporary, path) != 0, errno != EEXIST {
            throw ConfigurationError("cannot create \(what) \(path): \(String(cString: strerror(errno)))")
        }
    }
}
