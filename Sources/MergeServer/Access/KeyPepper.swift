import Foundation

/// The server-wide secret mixed into every stored key hash. It comes from
/// `MERGE_SERVER_KEY_PEPPER` or, failing that, from `key-pepper` in the data directory,
/// made (mode 0600, `SecretFile`) the first time a key is created or checked. Losing it
/// invalidates every key; it is never stored in the database.
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
        let text = try SecretFile.readOrCreate(path, dataDirectory: dataDirectory, what: "the key pepper") {
            // 256 random bits as hex.
            var generator = SystemRandomNumberGenerator()
            return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
        }
        guard text.utf8.count >= 32 else { throw ConfigurationError("the key pepper \(path) is too short (damaged?)") }
        return Data(text.utf8)
    }
}
