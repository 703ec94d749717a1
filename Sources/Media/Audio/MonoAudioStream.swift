import CFFmpeg

/// Decodes any file's audio (mp3, wav, flac, aac, ogg, opus, or a video's sound track)
/// to mono float at `sampleRate`, handing it over chunk by chunk, so hours of audio
/// pass through in bounded memory.
enum MonoAudioStream {
    static func read(
        _ path: String, sampleRate: Int, cancelled: () -> Bool = { false },
        chunk: (UnsafeBufferPointer<Float>) throws(MediaError) -> Void
    ) throws(MediaError) {
        let input = try InputContainer(path: path)
        guard let stream = input.bestStream(AVMEDIA_TYPE_AUDIO) else {
            let what = input.bestStream(AVMEDIA_TYPE_VIDEO) == nil ? "no audio stream" : "a video without a sound track"
            throw MediaError(.noAudioStream, "\(path) has \(what); give a song or a video with sound", path: path)
        }
        let reader = try FilteredStreamReader(input: input, stream: stream) { graph, source throws(MediaError) in
            // Downmix first, so the resampler works on one channel; a short filter is plenty
            // for onset analysis and costs a third of the default.
            try graph.chain(
                from: source,
                [
                    ("aformat", ["sample_fmts": "fltp", "channel_layouts": "mono"]),
                    ("aresample", ["out_sample_rate": String(sampleRate), "filter_size": "8"]),
                    ("aformat", ["sample_fmts": "fltp", "sample_rates": String(sampleRate), "channel_layouts": "mono"]),
                ])
        }
        let frame = try Frame()
        while try reader.next(into: frame) {
            if cancelled() { throw MediaError.cancelled() }
            defer { frame.unref() }
            guard let samples = frame.floatPlane(0) else { continue }
            try chunk(UnsafeBufferPointer(start: samples, count: frame.sampleCount))
        }
    }
}
