import Crypto
import Foundation

/// SHA-256 as lowercase hex: of text, of bytes, of a file (streamed), or of a digest a
/// caller hashed itself while writing.
public enum SHA256Hex {
    public static func of(_ text: String) -> String { of(Data(text.utf8)) }

    public static func of(_ data: some DataProtocol) -> String { hex(SHA256.hash(data: data)) }

    /// Size and SHA-256 of the file at `path`, read 1 MiB at a time.
    public static func ofFile(_ path: String) throws -> (sizeBytes: Int64, sha256: String) {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (size, hex(hasher.finalize()))
    }

    /// Lowercase hex of any bytes (a `SHA256.Digest` among them).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let digits = Array("0123456789abcdef".utf8)
}
