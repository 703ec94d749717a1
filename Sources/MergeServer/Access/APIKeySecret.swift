import Crypto
import Foundation
import Generation

/// The secret half of an API key: `msk_` and 40 lowercase hex digits (160 random bits).
/// Its first 8 digits, with `msk_`, are the key's public prefix: shown in listings and
/// used to find the stored row, whose peppered hash is then compared.
public enum APIKeySecret {
    static let marker = "msk_"
    static let hexLength = 40
    static let prefixLength = marker.count + 8

    /// A new random key.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<hexLength / 2).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return marker + SHA256Hex.hex(bytes)
    }

    /// The prefix of a well-formed key; nil for anything else (never looked up).
    public static func prefix(of key: String) -> String? {
        guard key.utf8.count == marker.utf8.count + hexLength, key.hasPrefix(marker) else { return nil }
        let digits = key.utf8.dropFirst(marker.utf8.count)
        guard digits.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        return String(key.prefix(prefixLength))
    }

    /// HMAC-SHA256 of the key under the server's pepper, in hex: a stolen database alone
    /// does not let anyone test guesses offline. (Every keyed request computes it: no
    /// `String(format:)`, which cost more than the rest of a request's authentication.)
    public static func hash(_ key: String, pepper: Data) -> String {
        SHA256Hex.hex(HMAC<SHA256>.authenticationCode(for: Data(key.utf8), using: SymmetricKey(data: pepper)))
    }

    /// Compares two hashes in time that depends only on their length.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
