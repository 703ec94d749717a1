/// Plans scenes over a song before anything is generated: slots that cover the song,
/// each starting and ending on a downbeat (or a beat when no downbeat is in reach),
/// each short enough that a clip of one of the model's durations can be trimmed to it.
public enum SceneSlotPlanner {
    public struct Slot: Sendable, Equatable, Codable {
        public let index: Int
        public let start: Double
        public let end: Double
        public let duration: Double
        /// The producible duration to generate, the shortest one at least as long as the slot.
        public let generateDuration: Double

        enum CodingKeys: String, CodingKey {
            case index, start, end, duration, generateDuration = "generate_duration"
        }
    }

    /// - Parameters:
    ///   - durations: what the model can make, in seconds ({5, 10}, {4, 6, 8}).
    ///   - minimumShare: a slot is at least this share of the shortest producible duration.
    public static func plan(_ analysis: BeatAnalysis, durations: [Double], minimumShare: Double = 0.5) throws(MediaError) -> [Slot] {
        let producible = durations.filter { $0 > 0 && $0.isFinite }.sorted()
        guard let longest = producible.last, let shortest = producible.first else {
            throw MediaError(.invalidArgument, "give at least one positive scene duration the model can produce")
        }
        let songEnd = analysis.duration
        guard songEnd > 0 else { throw MediaError(.invalidArgument, "the song has no length") }
        let minimum = min(shortest * minimumShare, songEnd)
        var slots: [Slot] = []
        var start = 0.0
        while songEnd - start > 1e-6 {
            let end: Double
            if songEnd - start <= longest {
                end = songEnd  // the rest of the song fits one clip
            } else {
                let reachable = { (grid: [Double]) in grid.filter { $0 - start >= minimum && $0 - start <= longest } }
                // The latest downbeat in reach makes the fewest, longest scenes; else a beat; else cut at the limit.
                end = reachable(analysis.downbeats).last ?? reachable(analysis.beats).last ?? start + longest
            }
            let duration = end - start
            let generate = producible.first { $0 >= duration - 1e-6 } ?? longest
            slots.append(Slot(index: slots.count, start: start, end: end, duration: duration, generateDuration: generate))
            start = end
        }
        return slots
    }
}
