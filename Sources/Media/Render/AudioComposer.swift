import CFFmpeg
import Foundation

/// The audio path of a render, run on its own thread. With a loudness target, the
/// mix is first measured (EBU R128) and the gain that reaches the target is found;
/// when that gain would push the true peak past the ceiling, a limiter joins the
/// chain and the measurement is repeated through it (limiting lowers loudness), up
/// to three times. Then the mix runs once more into the encoder. Mixing audio several
/// times costs little next to video, and lands on the target, unlike one-pass
/// dynamic normalization.
enum AudioComposer {
    struct Measurement: Sendable {
        /// Integrated loudness of the unprocessed mix (LUFS).
        let loudness: Double
        /// Gain applied (dB) and whether the limiter is on.
        let gain: Double
        let limited: Bool
    }

    /// Within this of the target, the gain search stops.
    static let tolerance = 0.3

    static func measure(_ plan: RenderPlan, cancelled: @escaping () -> Bool = { false }) throws(MediaError) -> Measurement? {
        guard let settings = plan.soundtrack?.settings, let target = settings.loudness else { return nil }
        let raw = try meter(plan, gain: 0, limited: false, cancelled: cancelled)
        let loudness = raw.integratedLoudness
        // Silence stays silence: no gain is applied to nothing.
        guard loudness.isFinite else { return Measurement(loudness: loudness, gain: 0, limited: false) }
        var gain = target - loudness
        guard raw.truePeakDecibels + gain > settings.truePeak else {
            return Measurement(loudness: loudness, gain: gain, limited: false)
        }
        for _ in 0..<3 {
            let limitedLoudness = try meter(plan, gain: gain, limited: true, cancelled: cancelled).integratedLoudness
            guard limitedLoudness.isFinite, abs(target - limitedLoudness) > tolerance else { break }
            gain += target - limitedLoudness
        }
        return Measurement(loudness: loudness, gain: gain, limited: true)
    }

    static func encode(
        _ plan: RenderPlan, measurement: Measurement?, with encoder: StreamEncoder,
        to output: PacketProducer.Output
    ) throws(MediaError) {
        let packet = try Packet()
        let push = { (packet: borrowing Packet) throws(MediaError) in try output.push(packet) }
        try run(
            plan, gain: measurement?.gain ?? 0, limited: measurement?.limited ?? false,
            sampleFormat: encoder.sampleFormatName, frameSize: encoder.fixedFrameSize,
            cancelled: { output.isCancelled }
        ) { (frame, timeBase) throws(MediaError) in
            frame.pts = av_rescale_q(frame.pts, timeBase, encoder.timeBase)
            try encoder.encode(frame.pointer, using: packet, emit: push)
        }
        try encoder.encode(nil, using: packet, emit: push)
    }

    private static func meter(
        _ plan: RenderPlan, gain: Double, limited: Bool,
        cancelled: @escaping () -> Bool
    ) throws(MediaError) -> LoudnessMeter {
        var meter = LoudnessMeter()
        try run(plan, gain: gain, limited: limited, sampleFormat: "fltp", frameSize: nil, cancelled: cancelled) { (frame, _) throws(MediaError) in
            guard let l = frame.floatPlane(0), let r = frame.floatPlane(1) else { return }
            meter.add(
                left: Array(UnsafeBufferPointer(start: l, count: frame.sampleCount)),
                right: Array(UnsafeBufferPointer(start: r, count: frame.sampleCount)))
        }
        return meter
    }

    /// Mixes the whole soundtrack through abuffer → [alimiter] → aformat → abuffersink
    /// and hands each resulting frame, with the sink's time base, to `consume`.
    private static func run(
        _ plan: RenderPlan, gain: Double, limited: Bool, sampleFormat: String, frameSize: Int32?,
        cancelled: () -> Bool,
        consume: (borrowing Frame, AVRational) throws(MediaError) -> Void
    ) throws(MediaError) {
        let mixer = try SoundtrackMixer(plan: plan, gainDecibels: gain)
        let graph = try FilterGraph()
        let source = try graph.add(
            "abuffer",
            [
                "time_base": "1/48000", "sample_rate": "48000",
                "sample_fmt": "fltp", "channel_layout": "stereo",
            ])
        var last = source
        if limited, let ceiling = plan.soundtrack?.settings.truePeak {
            // alimiter holds sample peaks; a 1 dB margin covers inter-sample and codec overshoot.
            last = try graph.chain(
                from: last,
                [
                    (
                        "alimiter",
                        [
                            "limit": String(pow(10, (ceiling - 1) / 20)), "attack": "5", "release": "50", "level": "0", "latency": "1",
                        ]
                    )
                ])
        }
        last = try graph.chain(
            from: last,
            [
                (
                    "aformat",
                    [
                        "sample_fmts": sampleFormat, "sample_rates": "48000",
                        "channel_layouts": "stereo",
                    ]
                )
            ])
        let sink = try graph.add("abuffersink")
        try graph.link(last, to: sink)
        try graph.configure()
        if let frameSize { graph.setFrameSize(of: sink, to: frameSize) }
        let timeBase = graph.timeBase(of: sink)

        let input = try Frame()
        let filtered = try Frame()
        func drain() throws(MediaError) {
            while try graph.pull(from: sink, into: filtered) == .frame {
                try consume(filtered, timeBase)
                filtered.unref()
            }
        }
        var position: Int64 = 0
        while let chunk = try mixer.next() {
            if cancelled() { throw MediaError.cancelled() }
            try fill(input, left: chunk.left, right: chunk.right, pts: position)
            position += Int64(chunk.left.count)
            try ffcheck(av_buffersrc_add_frame(source.context, input.pointer), "mixing audio")
            try drain()
        }
        try ffcheck(av_buffersrc_add_frame(source.context, nil), "ending the audio mix")
        try drain()
    }

    private static func fill(_ frame: borrowing Frame, left: [Float], right: [Float], pts: Int64) throws(MediaError) {
        frame.unref()
        let f = frame.pointer
        f.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        f.pointee.sample_rate = 48_000
        f.pointee.nb_samples = Int32(left.count)
        av_channel_layout_default(&f.pointee.ch_layout, 2)
        f.pointee.pts = pts
        try ffcheck(av_frame_get_buffer(f, 0), "allocating audio")
        guard let l = frame.floatPlane(0), let r = frame.floatPlane(1) else {
            throw MediaError(.ffmpeg, "an audio frame without stereo planes")
        }
        for (samples, plane) in [(left, l), (right, r)] {
            samples.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { plane.update(from: base, count: source.count) }
            }
        }
    }
}
