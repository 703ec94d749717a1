import CFFmpeg

/// The soundtrack song from `start`, with its volume, then looped from its beginning
/// (sample-exact) or followed by silence.
final class SongTrack {
    private let path: String
    private let settings: Soundtrack
    private var reader: AudioSampleReader?
    /// Samples the current reader has given; a reader that ends having given none means a
    /// song with nothing to loop (one that ends exactly at a chunk's end gives 0 next time).
    private var givenByReader = 0

    init(path: String, settings: Soundtrack) throws(MediaError) {
        self.path = path
        self.settings = settings
        reader = try open(from: settings.start)
    }

    /// Adds the next `count` samples into the buffers.
    func read(_ count: Int, into left: inout [Float], _ right: inout [Float]) throws(MediaError) {
        var done = 0
        while done < count, let reader {
            let got = try reader.add(count - done, into: &left, &right, at: done)
            done += got
            givenByReader += got
            if done < count {
                self.reader = settings.loop && givenByReader > 0 ? try open(from: 0) : nil
                givenByReader = 0
            }
        }
    }

    private func open(from seconds: Double) throws(MediaError) -> AudioSampleReader {
        let input = try InputContainer(path: path)
        guard let stream = input.bestStream(AVMEDIA_TYPE_AUDIO) else {
            throw MediaError(.noAudioStream, "the song \(path) has no audio stream; give an audio file", path: path)
        }
        return try AudioSampleReader.open(input, stream: stream, start: seconds, end: nil, gain: settings.volume)
    }
}
