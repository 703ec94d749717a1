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
        if SecretFile.read(path) == nil { try SecretFile.createIfAbsent(path, what: "key pepper") }
        // Read back what is there: another process may have made it first.
        guard let text = SecretFile.read(path) else { throw ConfigurationError("cannot read the key pepper \(path)") }
        guard text.utf8.count >= 32 else { throw ConfigurationError("the key pepper \(path) is too short (damaged?)") }
        return Data(text.utf8)
    }
}
