/// Refuses pictures larger than `MediaLimits.maxPixels` before anything is decoded: a
/// small file can declare a picture of gigabytes (a 1 MB PNG of 16000 × 16000 zeros).
/// Still images are read from their header here, since FFmpeg learns their size only by
/// decoding them; containers declare it and are checked once opened.
enum PictureSizeLimit {
    static func require(width: Int, height: Int, path: String) throws(MediaError) {
        guard width > 0, height > 0 else { return }  // unknown yet: the decoder's max_pixels guards it
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard overflow || pixels > MediaLimits.maxPixels else { return }
        throw MediaError(
            .unsupported,
            "\(path) declares a \(width)×\(height) picture, larger than the \(limitText) Media decodes; "
                + "scale it down first", path: path)
    }

    /// The limit as people say it: "8192×8192 pixels", or a pixel count.
    static var limitText: String {
        let limit = MediaLimits.maxPixels
        let side = Int(Double(limit).squareRoot().rounded())
        return side * side == limit ? "\(side)×\(side) pixels" : "\(limit) pixels"
    }

    /// Checks a PNG, JPEG or WebP header in `head` (other files pass).
    static func requireStillImage(head: [UInt8], path: String) throws(MediaError) {
        guard let (width, height) = stillImageSize(head) else { return }
        try require(width: width, height: height, path: path)
    }

    /// The width and height a PNG, JPEG or WebP header declares.
    static func stillImageSize(_ bytes: [UInt8]) -> (Int, Int)? {
        png(bytes) ?? webp(bytes) ?? jpeg(bytes)
    }

    private static func png(_ b: [UInt8]) -> (Int, Int)? {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard b.count >= 24, Array(b[0..<8]) == signature, Array(b[12..<16]) == Array("IHDR".utf8) else { return nil }
        return (bigEndian(b, 16, 4), bigEndian(b, 20, 4))
    }

    private static func webp(_ b: [UInt8]) -> (Int, Int)? {
        guard b.count >= 30, Array(b[0..<4]) == Array("RIFF".utf8), Array(b[8..<12]) == Array("WEBP".utf8) else { return nil }
        switch String(decoding: b[12..<16], as: UTF8.self) {
        case "VP8X":  // extended: 24-bit canvas size minus one
            return (littleEndian(b, 24, 3) + 1, littleEndian(b, 27, 3) + 1)
        case "VP8L":  // lossless: 14-bit sizes minus one after the 0x2f signature
            guard b[20] == 0x2F else { return nil }
            let bits = littleEndian(b, 21, 4)
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8 ":  // lossy: a key frame's 14-bit sizes after its start code
            guard b[23] == 0x9D, b[24] == 0x01, b[25] == 0x2A else { return nil }
            return (littleEndian(b, 26, 2) & 0x3FFF, littleEndian(b, 28, 2) & 0x3FFF)
        default:
            return nil
        }
    }

    /// Walks the JPEG's segments to its frame header (SOFn), within `b`.
    private static func jpeg(_ b: [UInt8]) -> (Int, Int)? {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var index = 2
        while index + 9 <= b.count {
            guard b[index] == 0xFF else { return nil }
            let marker = b[index + 1]
            if marker == 0xFF {
                index += 1
                continue
            }  // fill byte
            if marker == 0x01 || (0xD0...0xD8).contains(marker) {
                index += 2
                continue
            }  // no length
            if marker == 0xDA || marker == 0xD9 { return nil }  // scan data before any frame header
            let isFrameHeader = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
            if isFrameHeader { return (bigEndian(b, index + 7, 2), bigEndian(b, index + 5, 2)) }
            index += 2 + bigEndian(b, index + 2, 2)
        }
        return nil
    }

    private static func bigEndian(_ b: [UInt8], _ offset: Int, _ count: Int) -> Int {
        b[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func littleEndian(_ b: [UInt8], _ offset: Int, _ count: Int) -> Int {
        b[offset..<offset + count].reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
