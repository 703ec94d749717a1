import Foundation

/// Beats, downbeats and tempo of a song, in-process: FFmpeg decodes and transforms,
/// the rest is DSP — an onset envelope, a tempogram with a local-tempo path, dynamic
/// programming for the beats, and bar accents for the downbeats.
public enum BeatTracker {
    /// Analyzes any file with audio. Blocking; the audio is streamed, so memory stays
    /// small for hours of it.
    public static func analyze(_ path: String, cancellation: CancellationFlag? = nil) throws(MediaError) -> BeatAnalysis {
        try analyzeWithTrace(path, cancellation: cancellation).analysis
    }

    public static func analyzeWithTrace(_ path: String, cancellation: CancellationFlag? = nil)
        throws(MediaError) -> (analysis: BeatAnalysis, trace: BeatAnalysisTrace) {
        let detector = try OnsetDetector()
        // The song's input stops with the analysis, even inside a blocked read.
        try CurrentCancellation.with(cancellation) { () throws(MediaError) in
            try MonoAudioStream.read(path, sampleRate: OnsetFeatures.sampleRate,
                                     cancelled: { cancellation?.isCancelled == true }) { samples throws(MediaError) in
                detector.add(samples)
            }
        }
        let features = detector.finish()
        let envelope = onsetEnvelope(features)
        let scale = max(envelope.max() ?? 1, 1e-9)
        let trace = BeatAnalysisTrace(frameRate: OnsetFeatures.frameRate, waveform: features.peak,
                                      onsetEnvelope: envelope.map { $0 / scale })
        return (analyze(features, envelope: envelope), trace)
    }

    /// Full-band flux plus the low band again (kicks and bass carry the beat), less its
    /// local mean over 0.2 s (a steady wash is not an onset; a soft hat after a kick
    /// still is), half-wave rectified and scaled to unit deviation.
    static func onsetEnvelope(_ features: OnsetFeatures) -> [Float] {
        let raw = zip(features.strength, features.lowStrength).map { $0 + $1 }
        guard !raw.isEmpty else { return [] }
        let radius = Int(OnsetFeatures.frameRate / 10)
        var prefix = [Double](repeating: 0, count: raw.count + 1)
        for (i, value) in raw.enumerated() { prefix[i + 1] = prefix[i] + Double(value) }
        var envelope = [Float](repeating: 0, count: raw.count)
        for i in raw.indices {
            let low = max(0, i - radius)
            let high = min(raw.count, i + radius + 1)
            let mean = (prefix[high] - prefix[low]) / Double(high - low)
            envelope[i] = max(0, raw[i] - Float(mean))
        }
        let meanSquare = envelope.reduce(0) { $0 + Double($1) * Double($1) } / Double(envelope.count)
        let deviation = Float(meanSquare.squareRoot())
        return deviation > 0 ? envelope.map { $0 / deviation } : envelope
    }

    static func analyze(_ features: OnsetFeatures, envelope: [Float]) -> BeatAnalysis {
        let duration = features.duration
        let loudest = features.rms.max() ?? 0
        let estimator = TempoEstimator(frameRate: OnsetFeatures.frameRate)
        guard loudest > 1e-4, var tempo = estimator.estimate(envelope) else {
            return .noSteadyBeat(duration: duration)
        }
        let confidence = min(1, max(0, (tempo.periodicity - 0.08) / 0.35))
        guard confidence > 0.05 else { return .noSteadyBeat(duration: duration) }

        var beatFrames = dynamicProgrammingBeats(envelope, periods: tempo.periods)
        switch MetricalLevel.decide(beats: beatFrames, features: features, period: tempo.globalPeriod,
                                    allowed: Double(estimator.minimumLag)...Double(estimator.maximumLag)) {
        case .scalePeriod(let factor):
            tempo = estimator.rescaled(tempo, by: factor)
            beatFrames = dynamicProgrammingBeats(envelope, periods: tempo.periods)
        case .shiftHalfBeat:
            beatFrames = MetricalLevel.shiftedHalfBeat(beatFrames, frameCount: envelope.count)
        case .keep:
            break
        }
        beatFrames = trimmedToMusic(beatFrames, features: features, period: tempo.globalPeriod)
        guard beatFrames.count >= 2 else { return .noSteadyBeat(duration: duration) }

        // The envelope peaks a little before an attack's true start (measured on bench/beats.sh: 7 ms).
        let latency = 0.007
        let beats = beatFrames.map { features.time(ofFrame: peakPosition(near: $0, in: envelope)) + latency }
        let intervals = zip(beats.dropFirst(), beats).map { $0 - $1 }.sorted()
        let median = intervals[intervals.count / 2]
        // The mean of the steady intervals: finer than a frame, and blind to a stray beat.
        let steady = intervals.filter { abs($0 - median) < 0.1 * median }
        let medianInterval = steady.reduce(0, +) / Double(max(1, steady.count))
        let bar = DownbeatEstimator.estimate(beatFrames: beatFrames, features: features)
        let downbeats = stride(from: bar.phase, to: beats.count, by: bar.beatsPerBar).map { beats[$0] }
        func milliseconds(_ times: [Double]) -> [Double] { times.map { ($0 * 1000).rounded() / 1000 } }
        return BeatAnalysis(duration: duration, tempo: (600 / medianInterval).rounded() / 10, beats: milliseconds(beats),
                            downbeats: milliseconds(downbeats), beatsPerBar: bar.beatsPerBar, confidence: (confidence * 100).rounded() / 100)
    }

    /// Ellis's dynamic programming: each beat is an onset peak reached from a previous
    /// beat about one period earlier; the path with the most onset strength and the
    /// steadiest spacing wins.
    static func dynamicProgrammingBeats(_ envelope: [Float], periods: [Double], tightness: Double = 100) -> [Int] {
        let count = envelope.count
        var score = [Double](repeating: 0, count: count)
        var previous = [Int](repeating: -1, count: count)
        // log of every whole interval a step can span, so the inner loop takes none.
        let longest = Int((2 * (periods.max() ?? 0)).rounded()) + 1
        let logInterval = (0...max(1, longest)).map { log(Double(max(1, $0))) }
        score.withUnsafeMutableBufferPointer { score in
            previous.withUnsafeMutableBufferPointer { previous in
                logInterval.withUnsafeBufferPointer { logInterval in
                    for t in 0..<count {
                        let period = periods[t]
                        let logPeriod = log(period)
                        let earliest = max(0, t - Int((2 * period).rounded()))
                        let latest = t - Int((period / 2).rounded())
                        var best = 0.0
                        var bestFrom = -1
                        if latest >= earliest {
                            for p in earliest...latest {
                                let deviation = logInterval[t - p] - logPeriod
                                let candidate = score[p] - tightness * deviation * deviation
                                if bestFrom < 0 || candidate > best { best = candidate; bestFrom = p }
                            }
                        }
                        score[t] = Double(envelope[t]) + max(0, best)
                        previous[t] = best > 0 ? bestFrom : -1
                    }
                }
            }
        }
        // End on the best-scoring frame within the last period, then walk back.
        let lastPeriod = Int(periods.last ?? 50)
        guard let end = (max(0, count - lastPeriod - 1)..<count).max(by: { score[$0] < score[$1] }) else { return [] }
        var beats: [Int] = []
        var frame = end
        while frame >= 0 {
            beats.append(frame)
            frame = previous[frame]
        }
        return beats.reversed()
    }

    /// The onset peak nearest a beat frame, to a fraction of a frame (parabolic interpolation).
    static func peakPosition(near frame: Int, in envelope: [Float]) -> Double {
        let range = max(1, frame - 2)...max(1, min(envelope.count - 2, frame + 2))
        guard envelope.count >= 3, let peak = range.max(by: { envelope[$0] < envelope[$1] }), envelope[peak] > 0 else {
            return Double(frame)
        }
        let (a, b, c) = (Double(envelope[peak - 1]), Double(envelope[peak]), Double(envelope[peak + 1]))
        let denominator = a - 2 * b + c
        return Double(peak) + (denominator < 0 ? 0.5 * (a - c) / denominator : 0)
    }

    /// Drops the beats the path invents in silence before the music starts and after it ends.
    private static func trimmedToMusic(_ beats: [Int], features: OnsetFeatures, period: Double) -> [Int] {
        let loudest = features.rms.max() ?? 0
        let threshold = loudest * 0.03  // -30 dB below the loudest moment
        guard let first = features.rms.firstIndex(where: { $0 > threshold }),
              let last = features.rms.lastIndex(where: { $0 > threshold }) else { return [] }
        let margin = Int(period / 2)
        return beats.filter { $0 >= first - margin && $0 <= last + margin }
    }
}
