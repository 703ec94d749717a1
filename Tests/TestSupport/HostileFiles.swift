import Foundation

/// Hostile inputs made at test time: playlists and scripts that point at other files,
/// a picture bomb, special files. Each returns the path it wrote in `directory`.
public enum HostileFiles {
    /// An HLS playlist whose one segment is a media file outside `directory`.
    public static func hlsPlaylist(in directory: TemporaryDirectory, pointingAt target: String, live: Bool = false) throws -> String {
        var lines = [
            "#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:\(live ? 999_999_999 : 10)", "#EXT-X-MEDIA-SEQUENCE:0",
            live ? "#EXTINF:999999999.0," : "#EXTINF:10.0,", target,
        ]
        if !live { lines.append("#EXT-X-ENDLIST") }  // without it the playlist is live: FFmpeg waits for more
        return try write(lines.joined(separator: "\n") + "\n", to: directory.file(live ? "live.m3u8" : "private.mp4"))
    }

    public static func ffconcat(in directory: TemporaryDirectory, pointingAt target: String) throws -> String {
        try write("ffconcat version 1.0\nfile '\(target)'\nfile '\(target)'\n", to: directory.file("concat.mp4"))
    }

    /// A PNG named like an image-sequence pattern, next to the "frame" it would expand to.
    public static func imagePattern(in directory: TemporaryDirectory) throws -> String {
        let png = Data(pngBomb(width: 2, height: 2))
        try png.write(to: URL(fileURLWithPath: directory.file("frame001.png")))
        let pattern = directory.file("frame%03d.png")
        try png.write(to: URL(fileURLWithPath: pattern))
        return pattern
    }

    /// A 1×1 GIF: a format FFmpeg reads but the API does not promise.
    public static func gif(in directory: TemporaryDirectory) throws -> String {
        let hex = "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
        let bytes = stride(from: 0, to: hex.count, by: 2).map { offset -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16) ?? 0
        }
        let path = directory.file("tiny.gif")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A JPEG header declaring `width` × `height` (a baseline frame header, no scan).
    public static func jpegHeader(in directory: TemporaryDirectory, width: Int, height: Int) throws -> String {
        let sof: [UInt8] = [
            0xFF, 0xC0, 0x00, 0x11, 0x08, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF),
            0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
        ]
        let path = directory.file("huge.jpg")
        try Data([0xFF, 0xD8] + sof + [0xFF, 0xD9]).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A fixture followed by a sparse tail of zeros: the demuxer scans the tail for a
    /// next element, which takes hours (the tail costs no disk).
    public static func endlessTail(in directory: TemporaryDirectory, fixture: String = "clip_640x360_30_vp9.webm") throws -> String {
        let path = directory.file("endless.webm")
        try FileManager.default.copyItem(atPath: Paths.fixture(fixture), toPath: path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 64 << 30)
        try handle.close()
        return path
    }

    /// The first half of a fixture, as an interrupted download leaves it.
    public static func truncated(in directory: TemporaryDirectory, fixture: String = "clip_1280x720_30.mp4") throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture(fixture)))
        let path = directory.file("half.mp4")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        return path
    }

    private static func write(_ text: String, to path: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A valid RGB PNG of zeros declaring `width` × `height`: 16000 × 16000 is 768 MB of
    /// pixels in a 0.75 MB file. The pixels are one deflate block whose codes are chosen
    /// so that each 258-byte run of zeros costs two bits.
    public static func pngBomb(width: Int, height: Int) -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
        }
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // 8-bit RGB, deflate, no filter method extras, not interlaced
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
            + chunk("IDAT", zlibZeros(count: height * (1 + width * 3))) + chunk("IEND", [])
    }

    /// A zlib stream of `count` zero bytes.
    public static func zlibZeros(count: Int) -> [UInt8] {
        var writer = BitWriter()
        writer.bits(1, 1)  // the final block
        writer.bits(2, 2)  // dynamic Huffman codes
        writer.bits(286 - 257, 5)  // literal/length codes up to 285 (a run of 258)
        writer.bits(0, 5)  // one distance code
        writer.bits(18 - 4, 4)  // code-length codes sent, in the format's order
        let codeLengthLengths: [Int: Int] = [0: 1, 1: 2, 2: 2]
        for symbol in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1] {
            writer.bits(codeLengthLengths[symbol] ?? 0, 3)
        }
        // Canonical codes of the code-length alphabet: 0 → "0", 1 → "10", 2 → "11".
        let codeLengthCode: [Int: (Int, Int)] = [0: (0, 1), 1: (2, 2), 2: (3, 2)]
        var literalLengths = [Int](repeating: 0, count: 286)
        literalLengths[0] = 2
        literalLengths[256] = 2
        literalLengths[285] = 1
        for length in literalLengths + [1] {
            guard let (code, bits) = codeLengthCode[length] else { continue }
            writer.code(code, bits)
        }
        // Literal codes: 285 → "0", zero → "10", end of block → "11"; distance 1 → "0".
        writer.code(2, 2)
        let (runs, rest) = (count - 1).quotientAndRemainder(dividingBy: 258)
        writer.zeroBits(runs * 2)
        for _ in 0..<rest { writer.code(2, 2) }
        writer.code(3, 2)
        let adler = UInt32(count % 65521) << 16 | 1
        return [0x78, 0x01] + writer.finish() + bigEndian(adler)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        let table: [UInt32] = (0..<256).map { n in
            (0..<8).reduce(UInt32(n)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~bytes.reduce(~UInt32(0)) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
    }
}

/// Deflate's bit order: fields least significant bit first, Huffman codes most significant first.
private struct BitWriter {
    private var bytes: [UInt8] = []
    private var accumulator = 0
    private var count = 0

    mutating func bits(_ value: Int, _ width: Int) {
        accumulator |= value << count
        count += width
        while count >= 8 {
            bytes.append(UInt8(accumulator & 0xFF))
            accumulator >>= 8
            count -= 8
        }
    }

    mutating func code(_ code: Int, _ width: Int) {
        let reversed = (0..<width).reduce(0) { $0 << 1 | (code >> $1 & 1) }
        bits(reversed, width)
    }

    /// Many zero bits at once (whole bytes appended directly).
    mutating func zeroBits(_ total: Int) {
        var left = total
        while left > 0, count != 0 {
            bits(0, 1)
            left -= 1
        }
        bytes.append(contentsOf: repeatElement(0, count: left / 8))
        for _ in 0..<left % 8 { bits(0, 1) }
    }

    mutating func finish() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(accumulator & 0xFF)) }
        return bytes
    }
}
