/// Plans scenes over a song before anything is generated: slots that cover the song,
/// each starting and ending on a downbeat (or a cut point of a song without a pulse, or a
/// beat, when no downbeat is in reach), each short enough that a clip of one of the model's
/// durations can be trimmed to it. A section boundary in reach ends a scene first, so the
/// picture changes with the song; in loud bars (bar energy 0.6 and up) scenes are at most
/// the shortest producible duration, so the cuts come faster where the song is high.
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
    /// Bar energy from which a bar counts as loud (0…1 over the song).
    static let loudEnergy = 0.6

    public static func plan(_ analysis: BeatAnalysis, durations: [Double], minimumShare: Double = 0.5) throws(MediaError) -> [Slot] {
        let producible = durations.filter { $0 > 0 && $0.isFinite }.sorted()
        guard let longest = producible.last, let shortest = producible.first else {
            throw MediaError(.invalidArgument, "give at least one positive scene duration the model can produce")
        }
        let songEnd = analysis.duration
        guard songEnd > 0 else { throw MediaError(.invalidArgument, "the song has no length") }
        let minimum = min(shortest * minimumShare, songEnd)
        /// The bar energy at a time (of the bar it falls in), 0 when unknown.
        func energy(at time: Double) -> Double {
            guard let bar = analysis.downbeats.lastIndex(where: { $0 <= time + 1e-9 }), bar < analysis.barEnergy.count else { return 0 }
            return analysis.barEnergy[bar]
        }
        var slots: [Slot] = []
        var start = 0.0
        while songEnd - start > 1e-6 {
            let end: Double
            if songEnd - start <= longest {
                end = songEnd  // the rest of the song fits one clip
            } else {
                let reachable = { (grid: [Double], limit: Double) in grid.filter { $0 - start >= minimum && $0 - start <= limit } }
                // Where the song is loud, the scene lasts the shortest producible duration at most.
                let loud = energy(at: start) >= loudEnergy && energy(at: min(songEnd, start + shortest)) >= loudEnergy
                let fast = loud ? reachable(analysis.downbeats, shortest).last : nil
                // The first section boundary in reach; else the latest downbeat in reach (the
                // fewest, longest scenes); else a cut point; else a beat; else cut at the limit.
                end =
                    reachable(analysis.sections, longest).first ?? fast ?? reachable(analysis.downbeats, longest).last
                    ?? reachable(analysis.cutPoints, longest).last ?? reachable(analysis.beats, longest).last ?? start + longest
            }
            let duration = end - start
            let generate = producible.first { $0 >= duration - 1e-6 } ?? longest
            slots.append(Slot(index: slots.count, start: start, end: end, duration: duration, generateDuration: generate))
            start = end
        }
        return slots
    }
}
