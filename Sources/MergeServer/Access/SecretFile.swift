import Foundation
import Generation

/// A server secret kept as one line of hex in a file of the data directory, readable by
/// its owner only (mode 0600): the key pepper, the URL signing secrets and the server's
/// webhook secret.
enum SecretFile {
    /// The trimmed contents, or nil when there is no such file.
    static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8)).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// 256 random bits as 64 hex digits.
    static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return SHA256Hex.hex((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Writes a new random secret at `path` unless one is there. The secret goes to a file
    /// of its own first, then is linked into place: `link` fails if a secret is already
    /// there, so two processes making one at once agree on the first, and no one reads a
    /// half-written file. `what` names the secret in errors.
    static func createIfAbsent(_ path: String, what: String, value: String = randomHex()) throws(ConfigurationError) {
        let temporary = try writeTemporary(value, beside: path, what: what)
        defer { unlink(temporary) }
        if link(temporary, path) != 0, errno != EEXIST {
            throw ConfigurationError("cannot create the \(what) \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The secret at `path`, made with `make()` first when there is none (and read back:
    /// another process may have made it first).
    static func readOrCreate(_ path: String, what: String, make: () -> String) throws(ConfigurationError) -> String {
        if let text = read(path) { return text }
        try createIfAbsent(path, what: what, value: make())
        guard let text = read(path) else { throw ConfigurationError("cannot read the \(what) \(path)") }
        return text
    }

    /// Replaces (or makes) the secret at `path` with `value`, atomically: a reader sees
    /// the old secret or the new one, never a part.
    static func replace(_ path: String, with value: String, what: String) throws(ConfigurationError) {
        let temporary = try writeTemporary(value, beside: path, what: what)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ConfigurationError("cannot replace the \(what) \(path): \(reason)")
        }
    }

    /// `value` and a newline in a new 0600 file next to `path`, synced; returns its path.
    private static func writeTemporary(_ value: String, beside path: String, what: String) throws(ConfigurationError) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError("cannot create the data directory \(directory): \(error.localizedDescription)")
        }
        let temporary = path + ".\(getpid()).\(UInt32.random(in: .min ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw ConfigurationError("cannot create the \(what) \(path): \(String(cString: strerror(errno)))")
        }
        let bytes = Array((value + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ConfigurationError("cannot write the \(what) \(path): \(reason)")
        }
        return temporary
    }
}
