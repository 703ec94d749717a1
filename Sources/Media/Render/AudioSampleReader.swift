import CFFmpeg

/// Stereo 48 kHz float samples from a decoded stream, read in any count: silence
/// first when asked, then the stream, then silence for ever. So every clip yields
/// exactly the samples its frames span, with or without an audio track.
final class AudioSampleReader {
    private var reader: FilteredStreamReader?
    private let frame: Frame
    private var left: [Float] = []
    private var right: [Float] = []
    private var offset = 0
    private var leadingSilence: Int64

    /// Decodes `stream` of `input` from `start` to `end` seconds (nil: to the end), gain applied.
    /// `origin`: the file's time zero in seconds (a clip's video start); nil uses the stream's own.
    static func open(
        _ input: InputContainer, stream: UnsafeMutablePointer<AVStream>, origin: Double? = nil,
        start: Double, end: Double?, gain: Double, leadingSilence: Int64 = 0
    ) throws(MediaError) -> AudioSampleReader {
        let reader = try FilteredStreamReader(input: input, stream: stream, origin: origin, seekTo: start) { graph, source throws(MediaError) in
            var trim: KeyValuePairs<String, String> = ["start": optionSeconds(start)]
            if let end { trim = ["start": optionSeconds(start), "end": optionSeconds(end)] }
            return try graph.chain(
                from: source,
                [
                    ("atrim", trim),
                    // From the trim point, not the first sample: a sound that starts late keeps its gap.
                    ("asetpts", ["expr": "PTS-\(optionSeconds(start))/TB"]),
                    // async fills gaps and trims overlaps in the source's timestamps, so audio keeps to the clock.
                    ("aresample", ["out_sample_rate": "48000", "async": "1", "first_pts": "0"]),
                    ("aformat", ["sample_fmts": "fltp", "sample_rates": "48000", "channel_layouts": "stereo"]),
                    ("volume", ["volume": String(gain), "precision": "float"]),
                ])
        }
        return try AudioSampleReader(reader: reader, leadingSilence: leadingSilence)
    }

    /// A reader of nothing but silence.
    static func silence() throws(MediaError) -> AudioSampleReader {
        try AudioSampleReader(reader: nil, leadingSilence: 0)
    }

    private init(reader: FilteredStreamReader?, leadingSilence: Int64) throws(MediaError) {
        self.reader = reader
        self.leadingSilence = leadingSilence
        frame = try Frame()
    }

    /// Adds `count` samples, times `gain(i)` for the i-th, into `outLeft/outRight` from `at`.
    /// Returns how many came before the stream ended (the rest count as silence).
    @discardableResult
    func add(
        _ count: Int, into outLeft: inout [Float], _ outRight: inout [Float], at position: Int,
        gain: (Int) -> Float = { _ in 1 }
    ) throws(MediaError) -> Int {
        var done = 0
        while done < count {
            if leadingSilence > 0 {
                let silent = Int(min(Int64(count - done), leadingSilence))
                leadingSilence -= Int64(silent)
                done += silent
                continue
            }
            if offset >= left.count, try !refill() {
                return done  // the stream has ended: the rest is silence
            }
            let take = min(count - done, left.count - offset)
            for i in 0..<take {
                let g = gain(done + i)
                outLeft[position + done + i] += left[offset + i] * g
                outRight[position + done + i] += right[offset + i] * g
            }
            offset += take
            done += take
        }
        return done
    }

    private func refill() throws(MediaError) -> Bool {
        guard let reader else { return false }
        guard try reader.next(into: frame) else {
            self.reader = nil
            return false
        }
        defer { frame.unref() }
        guard let l = frame.floatPlane(0), let r = frame.floatPlane(1) else {
            throw MediaError(.ffmpeg, "an audio frame without stereo planes")
        }
        left = Array(UnsafeBufferPointer(start: l, count: frame.sampleCount))
        right = Array(UnsafeBufferPointer(start: r, count: frame.sampleCount))
        offset = 0
        return true
    }
}
