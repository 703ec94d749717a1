import Foundation

/// Beats, downbeats and tempo of a song, in-process: FFmpeg decodes and transforms,
/// the rest is DSP — an onset envelope, a tempogram for the tempo and its metrical level,
/// a probabilistic decoder (BeatDecoder) for the beats, bar accents for the downbeats,
/// and the song's structure (SongStructure) for sections, bar energy and cut points.
public enum BeatTracker {
    /// Analyzes any file with audio. Blocking; the audio is streamed, so memory stays
    /// small for hours of it.
    public static func analyze(_ path: String, cancellation: CancellationFlag? = nil) throws(MediaError) -> BeatAnalysis {
        try analyzeWithTrace(path, cancellation: cancellation).analysis
    }

    /// Analyzes `path` on `executor`; cancelling the task stops it, even inside a blocked read.
    public static func analyze(_ path: String, on executor: MediaExecutor) async throws(MediaError) -> BeatAnalysis {
        try await executor.run("beats") { flag throws(MediaError) in try analyze(path, cancellation: flag) }
    }

    public static func analyzeWithTrace(
        _ path: String, cancellation: CancellationFlag? = nil
    )
        throws(MediaError) -> (analysis: BeatAnalysis, trace: BeatAnalysisTrace)
    {
        let network = Activation.current == .dsp ? nil : BeatNetModel.shared
        let detector = try OnsetDetector(network: network)
        // The analysis' own time, without the decoding it is interleaved with (bench/beats.sh
        // reads it from stderr with MERGE_BEATS_TIMING=1).
        let clock = ContinuousClock()
        var spent = Duration.zero
        // The song's input stops with the analysis, even inside a blocked read.
        try CurrentCancellation.with(cancellation) { () throws(MediaError) in
            try MonoAudioStream.read(
                path, sampleRate: OnsetFeatures.inputRate,
                cancelled: { cancellation?.isCancelled == true }
            ) { samples throws(MediaError) in
                spent += clock.measure { detector.add(samples) }
            }
        }
        let start = clock.now
        let features = detector.finish()
        let envelope = onsetEnvelope(features)
        let scale = max(envelope.max() ?? 1, 1e-9)
        let trace = BeatAnalysisTrace(
            frameRate: OnsetFeatures.frameRate, waveform: features.peak,
            onsetEnvelope: envelope.map { $0 / scale })
        let learned = network.map { upsampled($0.activations(bands: features.networkBands), frames: envelope.count) }
        let analysis = analyze(features, envelope: envelope, learned: learned)
        spent += clock.now - start
        if ProcessInfo.processInfo.environment["MERGE_BEATS_TIMING"] == "1" {
            FileHandle.standardError.write(Data("analysis_seconds=\(spent.seconds) activation=\(network == nil ? "dsp" : "blend")\n".utf8))
        }
        return (analysis, trace)
    }

    /// Which beat activation the decoder hears: the DSP onset envelope alone, or blended
    /// with BeatNet's (the default when its weights are found). MERGE_BEATS_ACTIVATION=dsp
    /// or blend picks one (bench/beats.sh scores both).
    enum Activation: String {
        case dsp, blend
        static let current: Activation =
            ProcessInfo.processInfo.environment["MERGE_BEATS_ACTIVATION"]
            .flatMap { Activation(rawValue: $0.lowercased()) } ?? .blend
    }

    /// Which decoder places the bar lines: the beat decoder and DownbeatEstimator after it
    /// (the default), or the joint beat+downbeat decoder (BeatDecoder with meters [3, 4] on
    /// DownbeatActivation), which bench/beats.sh measured worse: blended, mean F 0.965 against
    /// 0.968 and downbeat F 0.944 against 0.948; the flux alone, 0.901 against 0.945 (its split
    /// of weak onsets falls under the decoder's activation floor at 170+ BPM).
    /// MERGE_BEATS_DECODER=beats or joint.
    enum Decoder: String {
        case beats, joint
        static let current: Decoder =
            ProcessInfo.processInfo.environment["MERGE_BEATS_DECODER"]
            .flatMap { Decoder(rawValue: $0.lowercased()) } ?? .beats
    }

    /// The learned activations at 100 frames a second (theirs are 50): linear between frames.
    struct Learned {
        var beat: [Float]
        var downbeat: [Float]
    }

    static func upsampled(_ activations: (beat: [Float], downbeat: [Float]), frames: Int) -> Learned {
        func stretch(_ values: [Float]) -> [Float] {
            guard !values.isEmpty else { return [Float](repeating: 0, count: frames) }
            return (0..<frames).map { f in
                let k = f / 2
                let a = values[min(k, values.count - 1)]
                guard f % 2 == 1 else { return a }
                return 0.5 * (a + values[min(k + 1, values.count - 1)])
            }
        }
        return Learned(beat: stretch(activations.beat), downbeat: stretch(activations.downbeat))
    }

    /// The share of the learned activation in the blend (the rest is the DSP one):
    /// bench/beats.sh measured 0.3 and 0.7 worse.
    static let learnedWeight: Float = 0.5

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

    static func analyze(_ features: OnsetFeatures, envelope: [Float], learned: Learned? = nil) -> BeatAnalysis {
        let duration = features.duration
        let loudest = features.rms.max() ?? 0
        let estimator = TempoEstimator(frameRate: OnsetFeatures.frameRate)
        guard loudest > 1e-4 else { return .noSteadyBeat(duration: duration) }
        // Joins for audio without a pulse: two seconds apart at least.
        let freeCuts = {
            SongStructure.cutPoints(features: features, minimumGap: Int(2 * OnsetFeatures.frameRate)).map { features.time(ofFrame: Double($0)) }
        }
        guard var tempo = estimator.estimate(envelope) else { return .noSteadyBeat(duration: duration, cutPoints: freeCuts()) }
        let confidence = min(1, max(0, (tempo.periodicity - 0.08) / 0.35))
        // Without a pulse in the onsets, the harmony may still change on every bar.
        if confidence < pulseConfidence {
            if let grid = HarmonicGrid.find(features: features, beatLags: estimator.minimumLag...estimator.maximumLag) {
                return harmonicAnalysis(grid, features: features, confidence: confidence)
            }
        }
        guard confidence > 0.05 else { return .noSteadyBeat(duration: duration, cutPoints: freeCuts()) }

        // The metrical level is chosen on the flux's own beats (the learned activation moved
        // it on bench/beats: a breakbeat doubled), then the beats are decoded again from the blend.
        let flux = beatActivation(envelope)
        let activation = learned.map { blended(flux, $0) } ?? flux
        let allowed = estimator.minimumLag...estimator.maximumLag
        var beatFrames = decodedBeats(flux, period: tempo.globalPeriod, allowed: allowed)
        // The activation the kept beats were decoded from (the joint decoder hears it again).
        var source = flux
        let decision = MetricalLevel.decide(
            beats: beatFrames, features: features, period: tempo.globalPeriod,
            allowed: Double(estimator.minimumLag)...Double(estimator.maximumLag))
        switch decision {
        case .hatsDoubleTheBeat:
            // The slow beats are the kick and snare of the half-time groove, in phase: the
            // beats halfway between are the hats' (decoded again, the syncopated kicks pulled
            // the path to a dotted beat on bench/beats's halftime_140).
            tempo = estimator.rescaled(tempo, by: 0.5)
            beatFrames = MetricalLevel.withHalfwayBeats(beatFrames, frameCount: envelope.count)
        case .scalePeriod(let factor):
            tempo = estimator.rescaled(tempo, by: factor)
            beatFrames = decodedBeats(activation, period: tempo.globalPeriod, allowed: allowed)
            source = activation
        case .shiftHalfBeat:
            // Off-beat open hats: BeatNet hears them as beats too, so the flux's beats are kept.
            beatFrames = MetricalLevel.shiftedHalfBeat(beatFrames, frameCount: envelope.count)
        case .keep:
            if learned != nil {
                let fluxBeats = beatFrames
                beatFrames = decodedBeats(activation, period: tempo.globalPeriod, allowed: allowed)
                source = activation
                if movedOffTheLowEnd(blend: beatFrames, flux: fluxBeats, low: features.lowStrength, period: tempo.globalPeriod) {
                    beatFrames = fluxBeats
                    source = flux
                } else {
                    beatFrames = fluxWhereMovedOffTheLowEnd(
                        blend: beatFrames, flux: fluxBeats, low: features.lowStrength, period: tempo.globalPeriod)
                }
            }
        }
        // The learned activation knows a beat from its subdivision better than the onsets do
        // (dembow's rim shots between the kicks): when it hears every other beat only, the
        // beat is twice as slow, if the beats it keeps are the ones with the low end. It is
        // not asked the other way: it hears house's open hats between the beats as beats.
        // Nor after the hats doubled the beat: it hears a half-time groove's kick and snare.
        if let learned, decision != .hatsDoubleTheBeat, allowed.contains(Int((2 * tempo.globalPeriod).rounded())),
            MetricalLevel.learnedAlternation(
                beats: beatFrames, learned: learned.beat, downbeat: learned.downbeat,
                low: features.lowStrength)
        {
            tempo = estimator.rescaled(tempo, by: 2)
            beatFrames = decodedBeats(activation, period: tempo.globalPeriod, allowed: allowed)
            source = activation
        }
        // The joint decoder places beats and bar lines together; after a half-beat shift the
        // activation would pull the beats back onto the off-beat, so the shifted beats stay,
        // and so do the beats the hats doubled (the activation does not hear those hats).
        var beatInBar: [Int]? = nil
        var meter = 4
        let barIntervals = beatIntervals(period: tempo.globalPeriod, allowed: allowed)
        // Its back-pointers take a byte per frame, interval and beat of 3/4 and 4/4: past
        // 64 MB (about 20 minutes of a slow song) the beat decoder's path is kept.
        let jointMemory = envelope.count * 7 * barIntervals.count
        if Decoder.current == .joint, decision != .shiftHalfBeat, decision != .hatsDoubleTheBeat, beatFrames.count >= 8, jointMemory <= 64 << 20 {
            let split = DownbeatActivation.split(source, features: features, beats: beatFrames, period: tempo.globalPeriod)
            let decoder = BeatDecoder(intervals: barIntervals, meters: [3, 4])
            let path = decoder.decode(beat: split.beat, downbeat: split.downbeat)
            beatFrames = path.beats
            beatInBar = path.beatInBar
            meter = path.beatsPerBar
        }
        let kept = trimmedToMusic(beatFrames, features: features, period: tempo.globalPeriod)
        beatInBar = beatInBar.map { places in kept.map { places[$0] } }
        beatFrames = kept.map { beatFrames[$0] }
        guard beatFrames.count >= 2 else { return .noSteadyBeat(duration: duration, cutPoints: freeCuts()) }

        // The envelope peaks a little before an attack's true start (measured on bench/beats.sh: 7 ms).
        let latency = 0.007
        let beats = beatFrames.map { features.time(ofFrame: peakPosition(near: $0, in: envelope)) + latency }
        let intervals = zip(beats.dropFirst(), beats).map { $0 - $1 }.sorted()
        let median = intervals[intervals.count / 2]
        // The mean of the steady intervals: finer than a frame, and blind to a stray beat.
        let steady = intervals.filter { abs($0 - median) < 0.1 * median }
        let medianInterval = steady.reduce(0, +) / Double(max(1, steady.count))
        let barStarts: [Int]
        if let beatInBar {
            barStarts = beatInBar.indices.filter { beatInBar[$0] == 0 }
        } else {
            let bar = DownbeatEstimator.estimate(beatFrames: beatFrames, features: features)
            meter = bar.beatsPerBar
            barStarts = Array(stride(from: bar.phase, to: beats.count, by: bar.beatsPerBar))
        }
        let downbeats = barStarts.map { beats[$0] }
        let barFrames = barStarts.map { beatFrames[$0] }
        let pulse = confidence >= pulseConfidence
        // Without a pulse the bars are guesses, and so would sections on them be.
        let sections = pulse ? SongStructure.sectionStarts(barFrames: barFrames, features: features).map { downbeats[$0] } : []
        func milliseconds(_ times: [Double]) -> [Double] { times.map { ($0 * 1000).rounded() / 1000 } }
        return BeatAnalysis(
            duration: duration, tempo: (600 / medianInterval).rounded() / 10, beats: milliseconds(beats),
            downbeats: milliseconds(downbeats), beatsPerBar: meter, confidence: (confidence * 100).rounded() / 100,
            pulse: pulse, cutPoints: milliseconds(pulse ? downbeats : freeCuts()), sections: milliseconds(sections),
            barEnergy: SongStructure.barEnergy(barFrames: barFrames, features: features))
    }

    /// Below this the onsets' periodicity is as weak as in pads or noise (bench/beats: ambient
    /// 0.2, drums 0.5 and up): no pulse, unless the harmony gives one.
    static let pulseConfidence = 0.3

    /// The analysis of a song whose grid comes from its chord changes: a pulse to cut on,
    /// bars of four beats, with the confidence of the onsets' own periodicity.
    static func harmonicAnalysis(_ grid: HarmonicGrid.Grid, features: OnsetFeatures, confidence: Double) -> BeatAnalysis {
        let beatsPerBar = HarmonicGrid.beatsPerBar
        let lastFrame = Double(max(0, features.count - 1))
        let beatFrames = grid.beats.filter { $0 <= lastFrame }
        let barStarts = Array(stride(from: grid.firstDownbeat, to: beatFrames.count, by: beatsPerBar))
        let barFrames = barStarts.map { Int(beatFrames[$0].rounded()) }
        func seconds(_ frames: [Double]) -> [Double] { frames.map { (features.time(ofFrame: $0) * 1000).rounded() / 1000 } }
        let beats = seconds(beatFrames)
        let downbeats = seconds(barStarts.map { beatFrames[$0] })
        let beatSeconds = grid.barPeriod / Double(beatsPerBar) / OnsetFeatures.frameRate
        return BeatAnalysis(
            duration: features.duration, tempo: (600 / beatSeconds).rounded() / 10, beats: beats, downbeats: downbeats,
            beatsPerBar: beatsPerBar, confidence: (confidence * 100).rounded() / 100, pulse: true, cutPoints: downbeats,
            sections: SongStructure.sectionStarts(barFrames: barFrames, features: features).map { downbeats[$0] },
            barEnergy: SongStructure.barEnergy(barFrames: barFrames, features: features))
    }

    /// Whether the blend moved most beats off the flux's (by a quarter period or more) onto
    /// points with less low end: BeatNet hears a breakbeat's eighth-note ride or a house
    /// track's open hats as beats where the kicks say otherwise (bench/beats: breakbeat_96,
    /// the kicks 1.4 times as strong on the flux's beats). Where the low end is no clearer
    /// on the flux's beats (house in pink noise, 0.9), the blend is kept.
    static func movedOffTheLowEnd(blend: [Int], flux: [Int], low: [Float], period: Double) -> Bool {
        guard blend.count >= 8, !flux.isEmpty, !low.isEmpty else { return false }
        let reach = Int(period / 4)
        let moved = blend.filter { b in !flux.contains { abs($0 - b) <= reach } }.count
        guard Double(moved) > 0.4 * Double(blend.count) else { return false }
        return lowEnd(on: flux, low) > lowEndPreference * lowEnd(on: blend, low)
    }

    /// The mean low-band onset strength at beats (the peak within two frames of each).
    static func lowEnd(on beats: [Int], _ low: [Float]) -> Double {
        beats.reduce(0.0) { sum, beat in
            let range = max(0, beat - 2)...max(0, min(low.count - 1, beat + 2))
            return sum + Double(range.map { low[$0] }.max() ?? 0)
        } / Double(max(1, beats.count))
    }

    static let lowEndPreference = 1.2

    /// The same question two bars at a time (eight of the flux's beats): where the blend
    /// follows another tempo there (two beats more or fewer), most of its beats lie off the
    /// flux's and the flux's carry more low end, the flux's beats replace them. bench/beats's gm_intro_110: over the drumless intro (held strings,
    /// bass on 1 and 3) BeatNet's activation led the path to three beats for every two bass
    /// notes, while the flux kept the tempo the drums have later.
    static func fluxWhereMovedOffTheLowEnd(blend: [Int], flux: [Int], low: [Float], period: Double) -> [Int] {
        let chunk = 8
        guard blend.count >= chunk, flux.count >= 2 * chunk, !low.isEmpty else { return blend }
        let reach = Int(period / 4)
        var replaced: [Range<Int>] = []
        for start in stride(from: 0, to: flux.count - chunk / 2, by: chunk) {
            let end = min(flux.count, start + chunk)
            let from = start == 0 ? Int.min : flux[start]
            let to = end == flux.count ? Int.max : flux[end]
            let fluxChunk = Array(flux[start..<end])
            let blendChunk = blend.filter { $0 >= from && $0 < to }
            guard blendChunk.count >= chunk / 2 else { continue }
            let moved = blendChunk.filter { b in !fluxChunk.contains { abs($0 - b) <= reach } }.count
            // Another tempo, not another phase (that is movedOffTheLowEnd's question, for the
            // whole song: two bars of house in noise can favour its off-beat flux by chance).
            let otherTempo = abs(blendChunk.count - fluxChunk.count) >= 2
            if otherTempo, Double(moved) > 0.4 * Double(blendChunk.count), lowEnd(on: fluxChunk, low) > lowEndPreference * lowEnd(on: blendChunk, low)
            {
                replaced.append(from..<to)
            }
        }
        guard !replaced.isEmpty else { return blend }
        let merged =
            (blend.filter { b in !replaced.contains { $0.contains(b) } }
            + flux.filter { f in replaced.contains { $0.contains(f) } }).sorted()
        // No two beats closer than half a period where the two meet.
        var result: [Int] = []
        for beat in merged where result.last.map({ Double(beat - $0) >= period / 2 }) ?? true { result.append(beat) }
        return result
    }

    /// The flux's activation and the learned one (beat + downbeat), mixed by `learnedWeight`.
    static func blended(_ flux: [Float], _ learned: Learned) -> [Float] {
        flux.indices.map { i in
            let net = min(0.95, learned.beat[i] + learned.downbeat[i])
            return (1 - learnedWeight) * flux[i] + learnedWeight * net
        }
    }

    /// The onset envelope as a beat probability per frame for the decoder. Squared, so
    /// the hats and bass between beats stay well below the 1/16 at which the decoder counts
    /// a frame as evidence for a beat; six deviations is a sure onset (bench/beats.sh:
    /// linear, or a scale of 4 or 10, lost 0.01 of mean F).
    static func beatActivation(_ envelope: [Float]) -> [Float] {
        envelope.map { value in
            let x = max(0, value / 6)
            return min(0.95, x * x)
        }
    }

    /// The decoder's beats, with beat intervals within half an octave of `period`: the
    /// metrical level is chosen apart, by TempoEstimator and MetricalLevel, so the decoder
    /// only follows the tempo (ramps, steps) and the phase.
    static func decodedBeats(_ activation: [Float], period: Double, allowed: ClosedRange<Int>) -> [Int] {
        BeatDecoder(intervals: beatIntervals(period: period, allowed: allowed)).decode(activation)
    }

    /// Beat intervals within half an octave of `period`, inside `allowed`.
    static func beatIntervals(period: Double, allowed: ClosedRange<Int>) -> ClosedRange<Int> {
        let width = 2.0.squareRoot()
        let low = period.isFinite ? Int(max(0, min(period / width, 1e6)).rounded(.down)) : allowed.lowerBound
        let high = period.isFinite ? Int(max(0, min(period * width, 1e6)).rounded(.up)) : allowed.upperBound
        return min(max(low, allowed.lowerBound), allowed.upperBound)...max(min(high, allowed.upperBound), allowed.lowerBound)
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

    /// The indices of the beats left when those the path invents in silence before the music
    /// starts and after it ends are dropped.
    private static func trimmedToMusic(_ beats: [Int], features: OnsetFeatures, period: Double) -> [Int] {
        let loudest = features.rms.max() ?? 0
        let threshold = loudest * 0.03  // -30 dB below the loudest moment
        guard let first = features.rms.firstIndex(where: { $0 > threshold }),
            let last = features.rms.lastIndex(where: { $0 > threshold })
        else { return [] }
        let margin = Int(period / 2)
        return beats.indices.filter { beats[$0] >= first - margin && beats[$0] <= last + margin }
    }
}
