import Foundation

/// The server-wide secret mixed into every stored key hash. It comes from
/// `MERGE_SERVER_KEY_PEPPER` or, failing that, from `key-pepper` in the data directory,
/// made (mode 0600) the first time a key is created or checked. Losing it invalidates
/// every key; it is never stored in the database.
public enum KeyPepper {
    static let fileName = "key-pepper"

    /// The pepper for `dataDirectory`; `configured` (the environment's) wins when set.
    public static func load(dataDirectory: String, configured: String?) throws(ConfigurationError) -> Data {
        if let configured {
            guard configured.utf8.count >= 16 else {
                throw ConfigurationError("MERGE_SERVER_KEY_PEPPER must be at least 16 characters")
            }
            return Data(configured.utf8)
        }
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            return try key(fromFile: text, path: path)
        }
        try create(at: path, dataDirectory: dataDirectory)
        // Read back what is there: another process may have made it first.
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("cannot read the key pepper \(path)")
        }
        return try key(fromFile: text, path: path)
    }

    private static func key(fromFile text: String, path: String) throws(ConfigurationError) -> Data {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= 32 else { throw ConfigurationError("the key pepper \(path) is too short (damaged?)") }
        return Data(trimmed.utf8)
    }

    /// Writes 256 random bits as hex, readable by the owner only, to a file of its own,
    /// then links it into place: `link` fails if a pepper is already there, so two
    /// processes making one at once agree on the first, and no one reads a half-written file.
    private static func create(at path: String, dataDirectory: String) throws(ConfigurationError) {
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError("cannot create the data directory \(dataDirectory): \(error.localizedDescription)")
        }
        let temporary = path + ".\(getpid()).\(UInt32.random(in: .min ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw ConfigurationError("cannot create the key pepper \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined() + "\n"
        let bytes = Array(hex.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            throw ConfigurationError("cannot write the key pepper \(path): \(String(cString: strerror(errno)))")
        }
        if link(temporary, path) != 0, errno != EEXIST {
            throw ConfigurationError("cannot create the key pepper \(path): \(String(cString: strerror(errno)))")
        }
    }
}
