/// Moves each join of a timeline onto the song's beat grid by changing where the
/// outgoing clip ends — earlier, or later while its media lasts — by at most
/// `max_shift` seconds, and ends the video on a downbeat. Transitions are centred on
/// the beat. The song's grid is in song time; the video starts at `audio.start`.
enum BeatSyncAdjuster {
    struct Adjusted {
        let timeline: Timeline
        /// The grid (output seconds) the joins were snapped to.
        let grid: [Double]
    }

    /// `mediaEnds[i]` is where clip i's media ends (seconds of its source).
    static func adjust(
        _ timeline: Timeline, mediaEnds: [Double], frameRate: Double,
        analysis: BeatAnalysis
    ) -> Adjusted {
        guard let sync = timeline.beatSync, sync.mode != .off, !analysis.beats.isEmpty else {
            return Adjusted(timeline: timeline, grid: [])
        }
        let offset = timeline.audio?.start ?? 0
        let every = max(1, sync.every)
        let source = sync.mode == .downbeat && !analysis.downbeats.isEmpty ? analysis.downbeats : analysis.beats
        let grid = stride(from: 0, to: source.count, by: every).map { source[$0] - offset }.filter { $0 > 0 }
        let downbeats = analysis.downbeats.map { $0 - offset }.filter { $0 > 0 }
        let frame = 1 / frameRate

        var adjusted = timeline
        var position = 0.0  // output time where the current clip starts
        for index in adjusted.clips.indices {
            let clip = adjusted.clips[index]
            let out = clip.out ?? mediaEnds[index]
            let isLast = index == adjusted.clips.count - 1
            let overlap = isLast ? 0 : overlapOf(adjusted.transition(atJoin: index), timing: adjusted.timing)
            let incoming = index == 0 ? 0 : overlapOf(adjusted.transition(atJoin: index - 1), timing: adjusted.timing)
            // Where this clip's join (the middle of its transition) falls now.
            let natural = position + (out - clip.in) - overlap / 2
            let room = (
                earlier: min(sync.maxShift, out - clip.in - incoming - overlap - frame),
                later: min(sync.maxShift, mediaEnds[index] - out)
            )
            // The last clip may give up to all but a frame of its length to end on a downbeat.
            let earliest = isLast ? out - clip.in - incoming - frame : room.earlier
            let targets = isLast ? downbeats : grid
            if let target = nearest(in: targets, to: natural, earlier: max(0, earliest), later: max(0, room.later), isLast: isLast) {
                adjusted.clips[index].out = out + (target - natural)
            }
            let length = (adjusted.clips[index].out ?? out) - clip.in
            position += length - overlap
        }
        return Adjusted(timeline: adjusted, grid: grid)
    }

    /// How much two clips overlap at a join (seconds) in the timeline's timing mode.
    private static func overlapOf(_ transition: Transition, timing: TimingMode) -> Double {
        timing == .overlap && !transition.isCut ? transition.duration : 0
    }

    private static func nearest(in grid: [Double], to time: Double, earlier: Double, later: Double, isLast: Bool) -> Double? {
        let candidates = grid.filter { $0 >= time - earlier - 1e-9 && $0 <= time + later + 1e-9 }
        // The video ends on the last downbeat it reaches; joins go to the nearest grid point.
        if isLast { return candidates.last }
        return candidates.min { abs($0 - time) < abs($1 - time) }
    }
}
