import CFFmpeg
import Foundation

/// The voice-over of a render and the sidechain compressor it keys: what is already in
/// the mix (song and clip audio) is turned down by up to `ducking.depth` dB while the
/// voice sounds, then the voice is added on top. Done on the samples, like the rest of
/// the mix, so the measuring passes and the encoding pass hear the very same ducking.
final class VoiceOverTrack {
    /// The voice's envelope falls this fast (50 ms) between peaks: a waveform's zero
    /// crossings and a syllable's short gaps do not let the music back up.
    private static let envelopeFall = Float(exp(-1 / (0.050 * Double(RenderPlan.sampleRate))))
    /// The compressor starts below the voice's floor and reaches its full depth 10 dB above.
    private static let thresholdDecibels: Float = -40
    private static let kneeDecibels: Float = 10

    private let reader: AudioSampleReader
    private let depthDecibels: Float
    private let attack: Float
    private let release: Float
    private var envelope: Float = 0
    private var duckGain: Float = 1
    /// The voice's samples of the current block, kept from block to block (no allocation per block).
    private var voiceLeft: [Float] = []
    private var voiceRight: [Float] = []

    init(plan voiceover: RenderPlan.VoiceOverPlan, in plan: RenderPlan) throws(MediaError) {
        let settings = voiceover.settings
        let rate = Double(RenderPlan.sampleRate)
        // The planner bounds these; a plan made some other way is refused here, not trapped on.
        guard settings.start.isFinite, settings.start >= 0, settings.start <= TimelinePlanner.maxSeconds,
            TimelinePlanner.duckingDepthRange.contains(settings.ducking.depth),
            TimelinePlanner.duckingAttackRange.contains(settings.ducking.attack),
            TimelinePlanner.duckingReleaseRange.contains(settings.ducking.release)
        else {
            throw MediaError.invalid([FieldProblem("voiceover", "start and ducking are out of range; see the README")])
        }
        let input = try InputContainer(path: voiceover.path)
        guard let stream = input.bestStream(AVMEDIA_TYPE_AUDIO) else {
            throw MediaError(.noAudioStream, "the voice-over \(voiceover.path) has no audio stream; give a file with sound", path: voiceover.path)
        }
        let lead = Int64((settings.start * rate).rounded())
        reader = try AudioSampleReader.open(input, stream: stream, start: 0, end: nil, gain: settings.volume, leadingSilence: lead)
        depthDecibels = Float(settings.ducking.depth)
        attack = Float(1 - exp(-1 / (settings.ducking.attack * rate)))
        release = Float(1 - exp(-1 / (settings.ducking.release * rate)))
    }

    /// Ducks the `count` samples already in the buffers under the voice, then adds the voice.
    func mix(_ count: Int, into left: inout [Float], _ right: inout [Float]) throws(MediaError) {
        // The reader adds into the buffers: they start each block silent.
        if voiceLeft.count != count {
            voiceLeft = [Float](repeating: 0, count: count)
            voiceRight = [Float](repeating: 0, count: count)
        } else {
            voiceLeft.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            voiceRight.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        try reader.add(count, into: &voiceLeft, &voiceRight, at: 0)
        for i in 0..<count {
            let level = max(abs(voiceLeft[i]), abs(voiceRight[i]))
            envelope = max(level, envelope * Self.envelopeFall)
            let g = duck()
            left[i] = left[i] * g + voiceLeft[i]
            right[i] = right[i] * g + voiceRight[i]
        }
    }

    /// The bed's gain for the current envelope, moved toward its target at the attack or release rate.
    private func duck() -> Float {
        let levelDecibels = 20 * log10(max(envelope, 1e-6))
        let amount = min(1, max(0, (levelDecibels - Self.thresholdDecibels) / Self.kneeDecibels))
        let target = amount == 0 ? 1 : Float(pow(10, Double(-depthDecibels * amount) / 20))
        duckGain += (target - duckGain) * (target < duckGain ? attack : release)
        return duckGain
    }
}
