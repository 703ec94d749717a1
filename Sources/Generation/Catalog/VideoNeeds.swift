/// What a video request asks of a model: a start image or the prompt alone, and the
/// duration, shape and resolution it names (nil: the model's own). The catalog picks a
/// default model by it, and checks a named one against it.
public struct VideoNeeds: Sendable, Equatable {
    public var hasImage: Bool
    public var duration: Double?
    public var aspectRatio: String?
    public var resolution: String?

    public init(hasImage: Bool, duration: Double? = nil, aspectRatio: String? = nil, resolution: String? = nil) {
        self.hasImage = hasImage
        self.duration = duration
        self.aspectRatio = aspectRatio
        self.resolution = resolution
    }

    /// Every reason `model` cannot make this clip (empty when it can).
    public func problems(for model: CatalogModel) -> [ModelProblem] {
        model.videoProblems(duration: duration, aspectRatio: aspectRatio, resolution: resolution, hasImage: hasImage)
    }
}
