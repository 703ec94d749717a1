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

    /// A scene every `bars` bars: each boundary on the downbeat that starts bar
    /// 1 + k·bars. Every scene must fit the model's longest clip; the song's end after the
    /// last boundary is split on downbeats when it would not.
    static func everyBars(_ analysis: BeatAnalysis, bars: Int, producible: [Double]) throws(MediaError) -> [Span] {
        let total = analysis.duration
        let downbeats = analysis.downbeats.filter { $0 > 0.5 && $0 < total - 0.5 }
        guard bars >= 1, !downbeats.isEmpty else {
            throw MediaError(
                .invalidArgument,
                "the song has no steady bars to count (no downbeats were found); use \"pace\": \"auto\", which cuts on its novelty peaks")
        }
        let longest = producible.max() ?? defaultSceneSeconds
        // A scene of `bars` bars must fit one clip.
        let intervals = zip(analysis.downbeats, analysis.downbeats.dropFirst()).map { $1 - $0 }.sorted()
        let barSeconds = intervals.isEmpty ? analysis.duration : intervals[intervals.count / 2]
        if Double(bars) * barSeconds > longest + 1e-6 {
            let fitting = MusicVideoPace.allowedBars.filter { Double($0) * barSeconds <= longest + 1e-6 }.max()
            throw MediaError(
                .invalidArgument,
                "bars_per_scene \(bars) makes scenes of \(String(format: "%.1f", Double(bars) * barSeconds)) s at this song's tempo, longer than the model's longest clip (\(String(format: "%g", longest)) s); "
                    + (fitting.map { "use bars_per_scene \($0) or less" } ?? "use \"pace\": \"auto\" or a model that makes longer clips"))
        }
        // The first downbeat at or after the song's start is bar 1; scene k starts at bar 1 + k·bars.
        let firstBar = analysis.downbeats.first { $0 >= 0 } ?? 0
        let offset = analysis.downbeats.firstIndex(of: firstBar) ?? 0
        var boundaries: [Double] = [0]
        for (index, downbeat) in analysis.downbeats.enumerated() where (index - offset) > 0 && (index - offset) % bars == 0 {
            if downbeat > boundaries.last! + 0.5 && downbeat < total - 0.5 { boundaries.append(downbeat) }
        }
        // A tail longer than a clip: cut on the latest downbeat that fits, again and again.
        while total - boundaries.last! > longest + 1e-6,
            let next = downbeats.filter({ $0 > boundaries.last! + 0.5 && $0 - boundaries.last! <= longest }).last
        {
            boundaries.append(next)
        }
        boundaries.append(total)
        let spans = zip(boundaries, boundaries.dropFirst()).map { Span(start: $0, end: $1) }
        if let over = spans.first(where: { $0.duration > longest + 1e-6 }) {
            // Bars that drift (a tempo change) can still make one scene too long.
            throw MediaError(
                .invalidArgument,
                "bars_per_scene \(bars) makes a scene of \(String(format: "%.1f", over.duration)) s at \(String(format: "%.1f", over.start)) s, longer than the model's longest clip (\(String(format: "%g", longest)) s); use fewer bars per scene or \"pace\": \"auto\""
            )
        }
        return spans
    }
}
