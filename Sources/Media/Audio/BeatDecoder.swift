import Foundation

/// Beats and downbeats as the most likely path through a probabilistic state space (the
/// bar-pointer dynamic Bayesian network of Krebs, Böck & Widmer, "An efficient state-space
/// model for joint tempo and meter tracking", ISMIR 2015, and Böck, Krebs & Widmer, "Joint
/// beat and downbeat tracking with recurrent neural networks", ISMIR 2016; written here from
/// the papers).
///
/// A state is a meter M (beats per bar), a beat j of the bar (0 is the downbeat), a beat
/// interval i (frames) and a position 0..<i inside the beat. The position advances one frame
/// per frame; at the end of a beat the next beat of the bar starts, and only there may the
/// interval change, to k with probability ∝ exp(-λ·|k/i − 1|), so the tempo is steady but can
/// step. The meter never changes. The first i/16 positions of a downbeat "hear" the downbeat
/// activation d, those of the other beats the beat activation b, the rest (1 − b − d)/15.
/// Viterbi in log space finds the best path; the meter is the one on it. With meters [1]
/// there are no bars: every beat hears the beat activation alone.
///
/// Cheap because most of the model is implicit: each (meter, beat, interval)'s positions live
/// in a ring whose start turns one slot a frame (advancing every position costs nothing), the
/// non-beat observation is the same for all states and so is left out (only the beat states
/// get log b − log((1 − b − d)/15)), and the only back-pointers kept are the interval each
/// beat came from — one byte per (meter, beat, interval) per frame.
struct BeatDecoder {
    let intervals: ClosedRange<Int>
    /// Beats per bar of the meters the path may take; [1] tracks beats alone.
    var meters: [Int] = [1]
    /// λ of the tempo-change probability: 100 (madmom's default) lets a beat change
    /// tempo by about 5 % at the cost of a weak beat; larger is steadier.
    var transitionLambda = 100.0
    /// The share of the beat that counts as "on the beat" is 1 / this.
    var observationLambda = 16
    /// No frame is heard as less likely a beat than this: a quiet stretch (an intro without
    /// drums, a beat the drums leave out) then costs a path log 0.03 a beat, not log 1e-6,
    /// and the path no longer thins the beats out where the music is quiet. bench/beats.sh:
    /// 0.01 – 0.06 alike (mean F 0.963 → 0.968; halftime_76 and dembow_88 no longer
    /// mis-tempoed), 0.12 loses waltzes.
    var activationFloor = 0.03

    init(intervals: ClosedRange<Int>, meters: [Int] = [1]) {
        // At least two frames a beat, and at most 255 intervals (back-pointers are bytes).
        let low = max(2, intervals.lowerBound)
        self.intervals = low...max(low, min(intervals.upperBound, low + 254))
        let valid = meters.filter { $0 >= 1 && $0 <= 16 }
        self.meters = valid.isEmpty ? [1] : valid
    }

    /// The decoded path: beat frames, each beat's place in its bar (0 = downbeat), and the meter.
    struct Path: Equatable {
        var beats: [Int] = []
        var beatInBar: [Int] = []
        var beatsPerBar = 1
    }

    /// Beat frames for an activation (per frame, 0…1: how likely a beat is there).
    func decode(_ activation: [Float]) -> [Int] {
        var beatsOnly = self
        beatsOnly.meters = [1]
        return beatsOnly.decode(beat: activation, downbeat: activation).beats
    }

    /// Beats and downbeats for a beat activation (a beat that is not a downbeat) and a
    /// downbeat activation, per frame, 0…1 each and together at most 1. With meters [1]
    /// only `beat` is heard.
    func decode(beat: [Float], downbeat: [Float]) -> Path {
        let frames = min(beat.count, downbeat.count)
        guard frames > 0 else { return Path(beatsPerBar: meters.count == 1 ? meters[0] : 4) }
        let lengths = Array(intervals)
        let count = lengths.count
        // One block of rings per (meter, beat of the bar); a block's predecessor is the
        // previous beat of the same bar.
        var blockMeter: [Int] = []
        var blockBeat: [Int] = []
        var previousBlock: [Int] = []
        for meter in meters {
            let first = blockMeter.count
            for j in 0..<meter {
                blockMeter.append(meter)
                blockBeat.append(j)
                previousBlock.append(first + (j + meter - 1) % meter)
            }
        }
        let blocks = blockMeter.count
        var offsets = [Int](repeating: 0, count: count + 1)
        for k in 0..<count { offsets[k + 1] = offsets[k] + lengths[k] }
        let blockSize = offsets[count]
        let beatStates = lengths.map { max(1, Int((Double($0) / Double(observationLambda)).rounded(.up))) }
        let transitions = transitionTable(lengths)
        let beatsOnly = meters == [1]

        // Scores start uniform (0). Ring slot of position p at frame t: (p − t) mod i.
        var score = [Double](repeating: 0, count: blocks * blockSize)
        var back = [UInt8](repeating: 0, count: frames * blocks * count)
        var last = [Double](repeating: 0, count: blocks * count)
        var first = [Double](repeating: 0, count: count)
        let nonBeatShare = Double(observationLambda - 1)
        score.withUnsafeMutableBufferPointer { score in
            back.withUnsafeMutableBufferPointer { back in
                for t in 0..<frames {
                    if t > 0 {
                        // Every beat's last position (at t − 1) feeds the next beat's first positions (at t).
                        for block in 0..<blocks {
                            for k in 0..<count {
                                let i = lengths[k]
                                last[block * count + k] = score[block * blockSize + offsets[k] + slot(i - 1, frame: t - 1, length: i)]
                            }
                        }
                        for block in 0..<blocks {
                            let source = previousBlock[block] * count
                            for to in 0..<count {
                                var best = -Double.infinity
                                var from = 0
                                for entry in transitions[to] {
                                    let candidate = last[source + entry.from] + entry.logProbability
                                    if candidate > best {
                                        best = candidate
                                        from = entry.from
                                    }
                                }
                                first[to] = best
                                back[(t * blocks + block) * count + to] = UInt8(from)
                            }
                            for k in 0..<count {
                                score[block * blockSize + offsets[k] + slot(0, frame: t, length: lengths[k])] = first[k]
                            }
                        }
                    }
                    // NaN or out of range (hostile input) reads as "no beat here".
                    let b = clamped(beat[t])
                    let d = beatsOnly ? 0 : clamped(downbeat[t])
                    let none = max(1e-6, 1 - b - d) / nonBeatShare
                    let beatGain = log(max(b, activationFloor)) - log(none)
                    let downbeatGain = beatsOnly ? beatGain : log(max(d, activationFloor)) - log(none)
                    for block in 0..<blocks {
                        let gain = blockBeat[block] == 0 ? downbeatGain : beatGain
                        for k in 0..<count {
                            let i = lengths[k]
                            let base = block * blockSize + offsets[k]
                            for p in 0..<beatStates[k] { score[base + slot(p, frame: t, length: i)] += gain }
                        }
                    }
                }
            }
        }

        // The best final state, then back through the beats.
        var bestBlock = 0
        var bestK = 0
        var bestP = 0
        var bestScore = -Double.infinity
        for block in 0..<blocks {
            for k in 0..<count {
                let i = lengths[k]
                for p in 0..<i {
                    let value = score[block * blockSize + offsets[k] + slot(p, frame: frames - 1, length: i)]
                    if value > bestScore {
                        bestScore = value
                        bestBlock = block
                        bestK = k
                        bestP = p
                    }
                }
            }
        }
        var starts: [(frame: Int, k: Int, beatInBar: Int)] = []
        var t = frames - 1 - bestP
        var k = bestK
        var block = bestBlock
        while true {
            // A beat that began before the first frame still counts if its "on the beat"
            // stretch reaches into the audio (a song that starts on the beat).
            if t >= 0 || t + beatStates[k] > 0 { starts.append((t, k, blockBeat[block])) }
            guard t > 0 else { break }
            let from = Int(back[(t * blocks + block) * count + k])
            k = from
            block = previousBlock[block]
            t -= lengths[from]
        }
        // Each beat is the strongest frame of its "on the beat" stretch.
        let strength = beatsOnly ? beat : zip(beat, downbeat).map { $0 + $1 }
        var path = Path(beatsPerBar: blockMeter[bestBlock])
        for start in starts.reversed() {
            let begin = max(0, start.frame)
            let end = max(begin + 1, min(frames, start.frame + beatStates[start.k]))
            var best = begin
            for f in begin..<end where strength[f] > strength[best] { best = f }
            path.beats.append(best)
            path.beatInBar.append(start.beatInBar)
        }
        return path
    }

    @inline(__always)
    private func clamped(_ value: Float) -> Double {
        value.isFinite ? min(max(Double(value), 0), 1 - 1e-6) : 0
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
