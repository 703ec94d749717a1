import Foundation

/// Beats as the most likely path through a probabilistic state space (the dynamic
/// Bayesian network of Krebs, Böck & Widmer, "An efficient state-space model for joint
/// tempo and meter tracking", ISMIR 2015, as decoded by madmom's DBNBeatTrackingProcessor;
/// written here from the paper).
///
/// A state is a beat interval i (frames) and a position 0..<i inside the beat. The position
/// advances one frame per frame; only at the end of a beat may the interval change, to j
/// with probability ∝ exp(-λ·|j/i − 1|), so the tempo is steady but can step. The first
/// i/16 positions of a beat "hear" the activation a, the rest hear (1 − a)/15. Viterbi in
/// log space finds the best path.
///
/// Cheap because most of the model is implicit: each interval's positions live in a ring
/// whose start turns one slot a frame (advancing every position costs nothing), the
/// non-beat observation is the same for all states and so is left out (only the beat
/// states get log a − log((1 − a)/15)), and the only back-pointers kept are the
/// interval each beat came from — one byte per interval per frame.
struct BeatDecoder {
    let intervals: ClosedRange<Int>
    /// λ of the tempo-change probability: 100 (madmom's default) lets a beat change
    /// tempo by about 5 % at the cost of a weak beat; larger is steadier.
    var transitionLambda = 100.0
    /// The share of the beat that counts as "on the beat" is 1 / this.
    var observationLambda = 16

    init(intervals: ClosedRange<Int>) {
        // At least two frames a beat, and at most 255 intervals (back-pointers are bytes).
        let low = max(2, intervals.lowerBound)
        self.intervals = low...max(low, min(intervals.upperBound, low + 254))
    }

    /// Beat frames for an activation (per frame, 0…1: how likely a beat is there).
    func decode(_ activation: [Float]) -> [Int] {
        let frames = activation.count
        let lengths = Array(intervals)
        let count = lengths.count
        guard frames > 0 else { return [] }
        var offsets = [Int](repeating: 0, count: count + 1)
        for k in 0..<count { offsets[k + 1] = offsets[k] + lengths[k] }
        let beatStates = lengths.map { max(1, Int((Double($0) / Double(observationLambda)).rounded(.up))) }
        let transitions = transitionTable(lengths)

        // Scores start uniform (0). Ring slot of position p at frame t: (p − t) mod i.
        var score = [Double](repeating: 0, count: offsets[count])
        var back = [UInt8](repeating: 0, count: frames * count)
        var last = [Double](repeating: 0, count: count)
        var first = [Double](repeating: 0, count: count)
        score.withUnsafeMutableBufferPointer { score in
            back.withUnsafeMutableBufferPointer { back in
                for t in 0..<frames {
                    if t > 0 {
                        // Every beat's last position (at t − 1) feeds the first positions (at t).
                        for k in 0..<count {
                            let i = lengths[k]
                            last[k] = score[offsets[k] + slot(i - 1, frame: t - 1, length: i)]
                        }
                        for to in 0..<count {
                            var best = -Double.infinity
                            var from = 0
                            for entry in transitions[to] {
                                let candidate = last[entry.from] + entry.logProbability
                                if candidate > best {
                                    best = candidate
                                    from = entry.from
                                }
                            }
                            first[to] = best
                            back[t * count + to] = UInt8(from)
                        }
                        for k in 0..<count {
                            score[offsets[k] + slot(0, frame: t, length: lengths[k])] = first[k]
                        }
                    }
                    // NaN or out of range (hostile input) reads as "no beat here".
                    let raw = activation[t].isFinite ? Double(activation[t]) : 0
                    let a = min(max(raw, 1e-6), 1 - 1e-6)
                    let gain = log(a) - log((1 - a) / Double(observationLambda - 1))
                    for k in 0..<count {
                        let i = lengths[k]
                        for p in 0..<beatStates[k] { score[offsets[k] + slot(p, frame: t, length: i)] += gain }
                    }
                }
            }
        }

        // The best final state, then back through the beats.
        var bestK = 0
        var bestP = 0
        var bestScore = -Double.infinity
        for k in 0..<count {
            let i = lengths[k]
            for p in 0..<i {
                let value = score[offsets[k] + slot(p, frame: frames - 1, length: i)]
                if value > bestScore {
                    bestScore = value
                    bestK = k
                    bestP = p
                }
            }
        }
        var starts: [(frame: Int, k: Int)] = []
        var t = frames - 1 - bestP
        var k = bestK
        while true {
            // A beat that began before the first frame still counts if its "on the beat"
            // stretch reaches into the audio (a song that starts on the beat).
            if t >= 0 || t + beatStates[k] > 0 { starts.append((t, k)) }
            guard t > 0 else { break }
            let from = Int(back[t * count + k])
            k = from
            t -= lengths[from]
        }
        // Each beat is the strongest frame of its "on the beat" stretch.
        return starts.reversed().map { start in
            let begin = max(0, start.frame)
            let end = max(begin + 1, min(frames, start.frame + beatStates[start.k]))
            var best = begin
            for f in begin..<end where activation[f] > activation[best] { best = f }
            return best
        }
    }

    @inline(__always)
    private func slot(_ position: Int, frame: Int, length: Int) -> Int {
        let r = (position - frame) % length
        return r < 0 ? r + length : r
    }

    private struct Entry {
        let from: Int
        let logProbability: Double
    }

    /// For each interval, the intervals it can be reached from and how likely; changes
    /// below e^-20 are left out (they never win), which keeps the table sparse.
    private func transitionTable(_ lengths: [Int]) -> [[Entry]] {
        var into = [[Entry]](repeating: [], count: lengths.count)
        for (from, i) in lengths.enumerated() {
            let weights = lengths.map { j in -transitionLambda * abs(Double(j) / Double(i) - 1) }
            let normalizer = log(weights.reduce(0) { $0 + exp($1) })
            for (to, weight) in weights.enumerated() where weight > -20 {
                into[to].append(Entry(from: from, logProbability: weight - normalizer))
            }
        }
        return into
    }
}
