import Foundation
import Media

/// When each scene of a song plays: boundaries on downbeats (else beats), so the cuts
/// of the finished video land on the music.
enum SceneTiming {
    struct Span: Sendable, Equatable {
        var start: Double
        var end: Double
        var duration: Double { end - start }
    }

    /// Scenes of about 5 s when nobody said how many.
    static let defaultSceneSeconds = 5.0

    static func defaultCount(songDuration: Double) -> Int {
        // A duration from a file's header can be anything; out of range means the most scenes.
        let count = CheckedConversion.int(songDuration / defaultSceneSeconds) ?? GenerationFields.maxScenes
        return min(GenerationFields.maxScenes, max(1, count))
    }

    /// `count` scenes of about equal length, each boundary moved to the nearest downbeat
    /// (or beat) within a quarter of a scene, never making a scene shorter than 0.5 s.
    static func split(_ analysis: BeatAnalysis, count: Int) -> [Span] {
        let total = analysis.duration
        guard count > 1, total > 0 else { return [Span(start: 0, end: max(total, 0))] }
        let nominal = total / Double(count)
        var boundaries: [Double] = [0]
        for index in 1..<count {
            let target = nominal * Double(index)
            let reach = nominal / 4
            let nearest = { (grid: [Double]) in grid.filter { abs($0 - target) <= reach }.min { abs($0 - target) < abs($1 - target) } }
            let chosen = nearest(analysis.downbeats) ?? nearest(analysis.beats) ?? target
            if let last = boundaries.last, chosen - last >= 0.5, total - chosen >= 0.5 { boundaries.append(chosen) }
        }
        boundaries.append(total)
        return zip(boundaries, boundaries.dropFirst()).map { Span(start: $0, end: $1) }
    }

    /// Without a song: `count` scenes of the default length.
    static func evenly(count: Int, sceneSeconds: Double = defaultSceneSeconds) -> [Span] {
        (0..<count).map { Span(start: Double($0) * sceneSeconds, end: Double($0 + 1) * sceneSeconds) }
    }

    /// The spans of a music video: `count` scenes when asked (each must fit the model's
    /// longest clip), else as few scenes as the model's clip lengths allow.
    static func musicVideo(_ analysis: BeatAnalysis, count: Int?, producible: [Double]) throws(MediaError) -> [Span] {
        if let count {
            let spans = split(analysis, count: count)
            if let longest = producible.max(), let over = spans.first(where: { $0.duration > longest + 1e-6 }) {
                let needed = Int((analysis.duration / longest).rounded(.up))
                throw MediaError(
                    .invalidArgument,
                    "num_scenes \(count) makes scenes of \(String(format: "%.1f", over.duration)) s, longer than the model's longest clip (\(String(format: "%g", longest)) s); use at least \(needed) scenes or leave num_scenes out"
                )
            }
            return spans
        }
        let slots = try SceneSlotPlanner.plan(analysis, durations: producible.isEmpty ? [defaultSceneSeconds] : producible)
        return slots.map { Span(start: $0.start, end: $0.end) }
    }
}
