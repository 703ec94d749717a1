import Media

/// A beat analysis as `beats --json` and `analyze_audio` give it: the analysis' own
/// fields, plus `scenes` when a plan was asked for.
public struct BeatsOutput: Encodable {
    public let analysis: BeatAnalysis
    public let scenes: [SceneSlotPlanner.Slot]?

    public init(analysis: BeatAnalysis, scenes: [SceneSlotPlanner.Slot]?) {
        self.analysis = analysis
        self.scenes = scenes
    }

    enum CodingKeys: String, CodingKey { case scenes }

    public func encode(to encoder: any Encoder) throws {
        try analysis.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(scenes, forKey: .scenes)
    }
}
