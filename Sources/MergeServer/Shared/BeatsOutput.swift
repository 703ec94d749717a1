import Media

/// A beat analysis as `beats --json` and `analyze_audio` give it: the analysis' own
/// fields, plus `scenes` when a plan was asked for.
struct BeatsOutput: Encodable {
    let analysis: BeatAnalysis
    let scenes: [SceneSlotPlanner.Slot]?

    enum CodingKeys: String, CodingKey { case scenes }

    func encode(to encoder: any Encoder) throws {
        try analysis.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(scenes, forKey: .scenes)
    }
}
