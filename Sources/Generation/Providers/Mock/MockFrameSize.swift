import Foundation
import Media

/// The picture size a mock output gets for an aspect ratio and resolution: the
/// resolution names the short side (720p → 720), the long side follows the ratio,
/// both rounded to even numbers (4:2:0 video needs them).
public struct MockFrameSize: Sendable, Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public static let defaultShortSide = 720
    public static let maxDimension = MockVideoSpec.maxDimension

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// "16:9" + "1080p" → 1920x1080; "9:16" + nil → 720x1280; "1:1" + "512p" → 512x512.
    public init(aspectRatio: String, resolution: String?) throws(ProviderError) {
        let (across, down) = try Self.ratio(aspectRatio)
        let short = try resolution.map(Self.shortSide) ?? Self.defaultShortSide
        let long = Self.even(Double(short) * Double(max(across, down)) / Double(min(across, down)))
        let size = across >= down ? MockFrameSize(width: long, height: short) : MockFrameSize(width: short, height: long)
        guard size.width <= Self.maxDimension, size.height <= Self.maxDimension else {
            throw ProviderError(
                .validation,
                "aspect ratio \(aspectRatio) at \(resolution ?? "\(short)p") makes \(size), "
                    + "larger than \(Self.maxDimension) pixels on a side", provider: "mock")
        }
        self = size
    }

    /// A still: `longSide` on the long side, the short side by the ratio (at least 1; PNG needs no even sizes).
    public init(aspectRatio: String, longSide: Int) throws(ProviderError) {
        let (across, down) = try Self.ratio(aspectRatio)
        let short = max(1, Int((Double(longSide) * Double(min(across, down)) / Double(max(across, down))).rounded()))
        self = across >= down ? MockFrameSize(width: longSide, height: short) : MockFrameSize(width: short, height: longSide)
    }

    public var description: String { "\(width)x\(height)" }

    /// "16:9" (also "16x9", "16/9") → (16, 9).
    static func ratio(_ text: String) throws(ProviderError) -> (Int, Int) {
        let parts = text.split(whereSeparator: { ":x/".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let across = Int(parts[0]), let down = Int(parts[1]),
            (1...100).contains(across), (1...100).contains(down),
            max(across, down) <= 10 * min(across, down)
        else {
            throw ProviderError(
                .validation,
                "aspect ratio '\(text)' is not WIDTH:HEIGHT such as 16:9, 9:16 or 1:1 "
                    + "(at most 10:1)", provider: "mock")
        }
        return (across, down)
    }

    /// "720p", "1080P", "512" → the short side; "4k" → 2160.
    static func shortSide(_ text: String) throws(ProviderError) -> Int {
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        let named = ["4k": 2160, "2k": 1440, "uhd": 2160, "fhd": 1080, "hd": 720, "sd": 480]
        if let side = named[lowered] { return side }
        let digits = lowered.hasSuffix("p") ? String(lowered.dropLast()) : lowered
        guard let side = Int(digits), (16...4320).contains(side) else {
            throw ProviderError(.validation, "resolution '\(text)' is not one like 480p, 720p or 1080p", provider: "mock")
        }
        return even(Double(side))
    }

    static func even(_ value: Double) -> Int { max(2, Int((value / 2).rounded()) * 2) }
}
