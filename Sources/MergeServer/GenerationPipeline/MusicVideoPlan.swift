import Foundation
import Generation
import Media

/// The timing of a music video: one scene per span of the song, each generated at a
/// length the model can make and trimmed to its span, cuts on downbeats.
struct MusicVideoPlan: Sendable {
    struct Scene: Sendable, Codable, Equatable {
        var index: Int
        var start: Double
        var end: Double
        var duration: Double
        /// The clip length asked of the model (the shortest it makes that covers the scene).
        var generateDuration: Double

        enum CodingKeys: String, CodingKey {
            case index, start, end, duration
            case generateDuration = "generate_duration"
        }
    }

    /// Joins between scenes: a hard cut keeps the cut on the beat; a short dissolve
    /// or fade is centred on it (timing preserve).
    static let transitionTypes: Set<String> = ["cut", "fade", "dissolve", "fadeblack", "fadewhite"]
    /// The longest transition asked for; it is also kept under 40 % of the shortest scene.
    static let longestTransition = 2.0

    let scenes: [Scene]
    let analysis: BeatAnalysis

    init(analysis: BeatAnalysis, count: Int?, pace: MusicVideoPace? = nil, model: CatalogModel) throws(MediaError) {
        let spans: [SceneTiming.Span]
        if case .barsPerScene(let bars) = pace {
            spans = try SceneTiming.everyBars(analysis, bars: bars, producible: model.durations)
        } else {
            spans = try SceneTiming.musicVideo(analysis, count: count, producible: model.durations)
        }
        guard spans.count <= GenerationFields.maxScenes else {
            throw MediaError(
                .invalidArgument,
                "the song needs \(spans.count) scenes with \(model.id), more than \(GenerationFields.maxScenes); use a shorter song or a model that makes longer clips"
            )
        }
        self.analysis = analysis
        scenes = spans.enumerated().map { index, span in
            Scene(
                index: index, start: Self.round(span.start), end: Self.round(span.end), duration: Self.round(span.duration),
                generateDuration: model.duration(covering: span.duration))
        }
    }

    static func round(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

    /// Whether the join after scene `index` is where the song's section changes.
    func isSectionChange(afterScene index: Int) -> Bool {
        guard index + 1 < scenes.count else { return false }
        let cut = scenes[index].end
        return analysis.sections.contains { abs($0 - cut) < 0.05 }
    }
}
