import Foundation

/// The final audio of a render, in chunks: the song (faded in and out, looped or
/// trimmed to the video) mixed with the clips' audio as `clip_audio` says — muted,
/// mixed, or mixed with the song ducked under it — then the voice-over, if any, laid on
/// top with all of that ducked under it, times `gain`.
final class SoundtrackMixer {
    static let chunk = 4096
    /// One-pole smoothing per sample for 30 ms falls and 400 ms recoveries at 48 kHz.
    private static let duckAttack = Float(1 - exp(-1 / (0.030 * 48_000)))
    private static let duckRelease = Float(1 - exp(-1 / (0.400 * 48_000)))

    private let plan: RenderPlan
    private let clipTrack: ClipAudioTrack?
    private let song: SongTrack?
    private let clipGain: Float
    private let ducking: Bool
    private let gain: Float
    private let fadeInSamples: Int64
    private let fadeOutSamples: Int64
    private var position: Int64 = 0
    private var duckGain: Float = 1
    private let voice: VoiceOverTrack?

    init(plan: RenderPlan, gainDecibels: Double = 0) throws(MediaError) {
        self.plan = plan
        let settings = plan.soundtrack?.settings
        let mode = settings?.clipAudio ?? .mix
        clipTrack = mode == .mute ? nil : ClipAudioTrack(plan: plan)
        clipGain = Float(settings?.clipAudioVolume ?? 1)
        ducking = mode == .duck
        if let settings, let path = plan.soundtrack?.path {
            song = try SongTrack(path: path, settings: settings)
        } else {
            song = nil
        }
        voice = try plan.voiceover.map { voiceover throws(MediaError) in try VoiceOverTrack(plan: voiceover, in: plan) }
        gain = Float(pow(10, gainDecibels / 20))
        // The planner bounds fades; a plan made some other way is refused here, not trapped on.
        let rate = Double(RenderPlan.sampleRate)
        guard let fadeIn = CheckedConversion.count(seconds: settings?.fadeIn ?? 0, rate: rate), fadeIn >= 0,
            let fadeOut = CheckedConversion.count(seconds: settings?.fadeOut ?? 0, rate: rate), fadeOut >= 0
        else {
            throw MediaError.invalid([FieldProblem("audio", "fade_in and fade_out must be 0…\(TimelinePlanner.maxSeconds) seconds")])
        }
        fadeInSamples = fadeIn
        fadeOutSamples = fadeOut
    }

    /// The next chunk of stereo samples; nil at the end of the video.
    func next() throws(MediaError) -> (left: [Float], right: [Float])? {
        let total = plan.totalSamples
        guard position < total else { return nil }
        let count = Int(min(Int64(Self.chunk), total - position))
        var left = [Float](repeating: 0, count: count)
        var right = [Float](repeating: 0, count: count)
        if let clipTrack {
            try clipTrack.read(count, into: &left, &right)
            if clipGain != 1 {
                for i in 0..<count {
                    left[i] *= clipGain
                    right[i] *= clipGain
                }
            }
        }
        if let song {
            var songLeft = [Float](repeating: 0, count: count)
            var songRight = [Float](repeating: 0, count: count)
            try song.read(count, into: &songLeft, &songRight)
            for i in 0..<count {
                var g = fade(at: position + Int64(i), total: total)
                if ducking { g *= duck(clipLevel: max(abs(left[i]), abs(right[i]))) }
                left[i] += songLeft[i] * g
                right[i] += songRight[i] * g
            }
        }
        try voice?.mix(count, into: &left, &right)
        if gain != 1 {
            for i in 0..<count {
                left[i] *= gain
                right[i] *= gain
            }
        }
        position += Int64(count)
        return (left, right)
    }

    private func fade(at sample: Int64, total: Int64) -> Float {
        var g: Float = 1
        if sample < fadeInSamples { g = Float(sample) / Float(fadeInSamples) }
        let untilEnd = total - sample
        if untilEnd < fadeOutSamples { g = min(g, Float(untilEnd) / Float(fadeOutSamples)) }
        return g
    }

    /// Sidechain ducking: the song drops by up to 12 dB as the clips' audio rises from
    /// −40 to −30 dBFS; the gain falls in ~30 ms and recovers in ~400 ms.
    private func duck(clipLevel: Float) -> Float {
        let levelDecibels = 20 * log10(max(clipLevel, 1e-6))
        let depth = min(1, max(0, (levelDecibels + 40) / 10))
        let target = Float(pow(10, Double(-12 * depth) / 20))
        duckGain += (target - duckGain) * (target < duckGain ? Self.duckAttack : Self.duckRelease)
        return duckGain
    }
}
