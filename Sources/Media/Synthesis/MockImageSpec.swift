/// How a mock still stores its pixels.
public enum MockImagePixelFormat: String, Sendable, CaseIterable, Codable {
    case rgb24, rgba
}

/// Everything that defines a mock still picture. The same spec always gives the same
/// pixels; another seed gives other colours and pattern phase.
public struct MockImageSpec: Sendable, Equatable {
    public var width: Int = 1024
    public var height: Int = 1024
    public var pattern: MockPattern = .gradients
    /// A label drawn at the top, wrapped to the width; nil draws nothing.
    public var text: String?
    public var seed: UInt64 = 0
    public var pixelFormat: MockImagePixelFormat = .rgb24

    public static let maxDimension = 8192

    public init() {}

    public init(
        width: Int, height: Int, pattern: MockPattern = .gradients, text: String? = nil, seed: UInt64 = 0,
        pixelFormat: MockImagePixelFormat = .rgb24
    ) {
        self.width = width
        self.height = height
        self.pattern = pattern
        self.text = text
        self.seed = seed
        self.pixelFormat = pixelFormat
    }

    /// Every problem with the spec, each saying what to do; empty when valid.
    public var problems: [String] {
        guard (1...Self.maxDimension).contains(width), (1...Self.maxDimension).contains(height) else {
            return ["size \(width)x\(height) is out of range; width and height must be 1…\(Self.maxDimension)"]
        }
        return []
    }
}
