import Foundation

/// The secrets signed media URLs are made and checked with: `current` signs, and a URL
/// signed with `previous` is still accepted, so a rotation breaks no link before it
/// expires. They come from `MERGE_SERVER_URL_SIGNING_SECRET` (and `…_PREVIOUS`) or,
/// failing that, from `url-signing-secret` (and `url-signing-secret.previous`) in the
/// data directory, made (mode 0600) at the first start. `merge-server url-secret rotate`
/// turns the files' current secret into the previous one.
public struct URLSigningSecrets: Sendable, Equatable {
    public var current: Data
    public var previous: Data?

    public init(current: Data, previous: Data? = nil) {
        self.current = current
        self.previous = previous
    }

    static let fileName = "url-signing-secret"
    static let previousFileName = "url-signing-secret.previous"
    static let minimumLength = 16

    /// The secrets for `dataDirectory`. A configured current secret replaces both files;
    /// a configured previous one replaces the file's previous.
    public static func load(
        dataDirectory: String, configured: String?, configuredPrevious: String?
    ) throws(ConfigurationError)
        -> URLSigningSecrets
    {
        let previous = try configuredPrevious.map { (text) throws(ConfigurationError) in
            try checked(text, "MERGE_SERVER_URL_SIGNING_SECRET_PREVIOUS")
        }
        if let configured {
            return URLSigningSecrets(current: try checked(configured, "MERGE_SERVER_URL_SIGNING_SECRET"), previous: previous)
        }
        let files = try fromFiles(dataDirectory: dataDirectory)
        return URLSigningSecrets(current: files.current, previous: previous ?? files.previous)
    }

    /// Makes a new current secret in the data directory's files and keeps the old one as
    /// the previous (the one before it is dropped). A running server reads the files when
    /// it starts: restart it to sign with the new secret.
    @discardableResult
    public static func rotate(dataDirectory: String) throws(ConfigurationError) -> URLSigningSecrets {
        let old = try fromFiles(dataDirectory: dataDirectory)
        let directory = dataDirectory as NSString
        // The previous first: a crash between the two writes leaves the old secret in both, which still verifies.
        try SecretFile.replace(
            directory.appendingPathComponent(previousFileName), with: String(decoding: old.current, as: UTF8.self),
            what: "previous URL signing secret")
        let fresh = SecretFile.randomHex()
        try SecretFile.replace(directory.appendingPathComponent(fileName), with: fresh, what: "URL signing secret")
        return URLSigningSecrets(current: Data(fresh.utf8), previous: old.current)
    }

    private static func fromFiles(dataDirectory: String) throws(ConfigurationError) -> URLSigningSecrets {
        let directory = dataDirectory as NSString
        let path = directory.appendingPathComponent(fileName)
        if SecretFile.read(path) == nil { try SecretFile.createIfAbsent(path, what: "URL signing secret") }
        // Read back what is there: another process may have made it first.
        guard let text = SecretFile.read(path) else { throw ConfigurationError("cannot read the URL signing secret \(path)") }
        let current = try checked(text, "the URL signing secret \(path)")
        let previousPath = directory.appendingPathComponent(previousFileName)
        let previous = try SecretFile.read(previousPath).map { (text) throws(ConfigurationError) in
            try checked(text, "the previous URL signing secret \(previousPath)")
        }
        return URLSigningSecrets(current: current, previous: previous)
    }

    private static func checked(_ text: String, _ name: String) throws(ConfigurationError) -> Data {
        guard text.utf8.count >= minimumLength else { throw ConfigurationError("\(name) must be at least \(minimumLength) characters") }
        return Data(text.utf8)
    }
}
