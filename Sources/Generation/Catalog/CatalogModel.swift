import Foundation

/// One model of the catalog (`models.yaml`): who runs it, what it accepts, what it costs.
public struct CatalogModel: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case video, image, scenes
    }

    /// What a model can make its output from, beside the prompt every model takes.
    public enum Input: String, Sendable, Codable, CaseIterable {
        /// The prompt alone (text-to-video, text-to-image, scene planning).
        case text
        /// A start image with the prompt (image-to-video).
        case image
    }

    public struct Price: Sendable, Codable, Equatable {
        public var perSecond: Double?
        public var perImage: Double?
        public var per1kTokens: Double?
        /// A minimum charge per request (FAL bills kling per started 5 s).
        public var perRequest: Double?

        public init(perSecond: Double? = nil, perImage: Double? = nil, per1kTokens: Double? = nil, perRequest: Double? = nil) {
            self.perSecond = perSecond
            self.perImage = perImage
            self.per1kTokens = per1kTokens
            self.perRequest = perRequest
        }

        enum CodingKeys: String, CodingKey {
            case perSecond = "per_second"
            case perImage = "per_image"
            case per1kTokens = "per_1k_tokens"
            case perRequest = "per_request"
        }
    }

    /// Our id, the one requests name ("kling-v2.1", "fal-hailuo-02", "mock-video").
    public var id: String
    /// "replicate", "fal", "gemini", "openai" or "mock".
    public var provider: String
    /// The provider's own name for it ("kwaivgi/kling-v2.1", "fal-ai/kling-video/v2.1/standard/image-to-video").
    public var path: String
    public var kind: Kind
    public var description: String?
    /// Seconds the model can make (video); empty when any is accepted.
    public var durations: [Double]
    public var aspectRatios: [String]
    public var resolutions: [String]
    /// What the model starts from: `[text]` text-to-video, `[image]` image-to-video
    /// only (kling), `[text, image]` either.
    public var inputs: [Input]
    public var price: Price
    /// Provider input parameters sent with every request unless the request sets them.
    public var defaults: [String: ParameterValue]

    public init(
        id: String, provider: String, path: String, kind: Kind, description: String? = nil, durations: [Double] = [],
        aspectRatios: [String] = [], resolutions: [String] = [], inputs: [Input]? = nil, price: Price = Price(),
        defaults: [String: ParameterValue] = [:]
    ) {
        self.id = id
        self.provider = provider
        self.path = path
        self.kind = kind
        self.description = description
        self.durations = durations
        self.aspectRatios = aspectRatios
        self.resolutions = resolutions
        self.inputs = inputs ?? Self.usualInputs(kind)
        self.price = price
        self.defaults = defaults
    }

    /// The model cannot make a clip from the prompt alone: it needs a start image.
    public var requiresImage: Bool { !inputs.contains(.text) }

    /// Whether the model can serve a request that gives (or does not give) a start image.
    public func accepts(image: Bool) -> Bool { inputs.contains(image ? .image : .text) }

    /// A catalog entry that does not list its inputs: a video model takes text or an
    /// image, others text.
    static func usualInputs(_ kind: Kind) -> [Input] { kind == .video ? [.text, .image] : [.text] }

    enum CodingKeys: String, CodingKey {
        case id, provider, path, kind, description, durations
        case aspectRatios = "aspect_ratios"
        case resolutions, inputs
        case requiresImage = "requires_image"
        case price, defaults
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        provider = try container.decode(String.self, forKey: .provider)
        path = try container.decodeIfPresent(String.self, forKey: .path) ?? id
        kind = try container.decode(Kind.self, forKey: .kind)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        durations = try container.decodeIfPresent([Double].self, forKey: .durations) ?? []
        aspectRatios = try container.decodeIfPresent([String].self, forKey: .aspectRatios) ?? []
        resolutions = try container.decodeIfPresent([String].self, forKey: .resolutions) ?? []
        // `requires_image: true`, the older spelling of `inputs: [image]`, still reads.
        let legacyImageOnly = try container.decodeIfPresent(Bool.self, forKey: .requiresImage) == true
        inputs =
            try container.decodeIfPresent([Input].self, forKey: .inputs)
            ?? (legacyImageOnly ? [.image] : Self.usualInputs(kind))
        price = try container.decodeIfPresent(Price.self, forKey: .price) ?? Price()
        defaults = try container.decodeIfPresent([String: ParameterValue].self, forKey: .defaults) ?? [:]
    }

    /// `requires_image` is written too, for clients that read it before `inputs` existed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(provider, forKey: .provider)
        try container.encode(path, forKey: .path)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encode(durations, forKey: .durations)
        try container.encode(aspectRatios, forKey: .aspectRatios)
        try container.encode(resolutions, forKey: .resolutions)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(requiresImage, forKey: .requiresImage)
        try container.encode(price, forKey: .price)
        try container.encode(defaults, forKey: .defaults)
    }
}

/// A provider input parameter value from the catalog: text, number or flag.
public enum ParameterValue: Sendable, Codable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try JSONValue(self).encode(to: encoder)  // integral numbers as integers, as in requests
    }
}
