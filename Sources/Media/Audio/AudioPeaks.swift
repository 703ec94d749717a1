/// A waveform overview of a file's sound: `width` buckets over its whole length, each the
/// lowest and highest sample in it (mono, -1…1), for drawing on a canvas.
public struct AudioPeaks: Sendable, Equatable {
    /// The length decoded, in seconds.
    public var duration: Double
    /// `width` pairs, the first bucket first; a bucket past the last sample is (0, 0).
    public var minima: [Float]
    public var maxima: [Float]

    /// The rate the sound is decoded at: enough for a picture of the envelope, a sixth
    /// of the work of 48 kHz.
    static let sampleRate = 8000
    /// Blocks kept while decoding; past it neighbours merge and blocks double, so memory
    /// stays bounded (64 Ki blocks) whatever the file's length.
    static let maxBlocks = 1 << 16

    /// Decodes `path` and buckets it into `width` min/max pairs. Blocking.
    public static func compute(_ path: String, width: Int, cancellation: CancellationFlag? = nil) throws(MediaError) -> AudioPeaks {
        guard width >= 1 else { throw MediaError(.invalidArgument, "width must be at least 1") }
        var blocks = BlockAccumulator(capacity: maxBlocks)
        try CurrentCancellation.with(cancellation) { () throws(MediaError) in
            try MonoAudioStream.read(path, sampleRate: sampleRate, cancelled: { cancellation?.isCancelled == true }) { samples in
                for sample in samples { blocks.add(sample) }
            }
        }
        return blocks.peaks(width: width, sampleRate: sampleRate)
    }

    /// Runs `compute` on `executor`; cancelling the task stops the decode.
    public static func compute(_ path: String, width: Int, on executor: MediaExecutor) async throws(MediaError) -> AudioPeaks {
        try await executor.run("peaks") { flag throws(MediaError) in try compute(path, width: width, cancellation: flag) }
    }

    /// Buckets already decoded samples (tests, and the block folding below).
    public static func bucket(_ samples: [Float], width: Int, sampleRate: Int) -> AudioPeaks {
        var blocks = BlockAccumulator(capacity: maxBlocks)
        for sample in samples { blocks.add(sample) }
        return blocks.peaks(width: max(1, width), sampleRate: sampleRate)
    }
}

/// Min/max of consecutive blocks of `blockSize` samples; when `capacity` blocks are full,
/// pairs merge and the block size doubles.
struct BlockAccumulator {
    let capacity: Int
    var blockSize = 1
    var minima: [Float] = []
    var maxima: [Float] = []
    var inBlock = 0
    var sampleCount = 0

    init(capacity: Int) {
        self.capacity = max(2, capacity & ~1)
        minima.reserveCapacity(self.capacity)
        maxima.reserveCapacity(self.capacity)
    }

    mutating func add(_ sample: Float) {
        let value = sample.isFinite ? min(1, max(-1, sample)) : 0
        sampleCount += 1
        if inBlock == 0 {
            if minima.count == capacity { fold() }
            minima.append(value)
            maxima.append(value)
        } else {
            let last = minima.count - 1
            minima[last] = min(minima[last], value)
            maxima[last] = max(maxima[last], value)
        }
        inBlock += 1
        if inBlock == blockSize { inBlock = 0 }
    }

    /// Merges neighbouring blocks: half as many, twice as long (only ever when the last is full).
    private mutating func fold() {
        var index = 0
        while 2 * index + 1 < minima.count {
            minima[index] = min(minima[2 * index], minima[2 * index + 1])
            maxima[index] = max(maxima[2 * index], maxima[2 * index + 1])
            index += 1
        }
        minima.removeLast(minima.count - index)
        maxima.removeLast(maxima.count - index)
        blockSize *= 2
    }

    /// Bucket `b` covers samples [b·n/width, (b+1)·n/width); a block falls in the bucket
    /// where it starts, so every sample is counted once.
    func peaks(width: Int, sampleRate: Int) -> AudioPeaks {
        var low = [Float](repeating: 0, count: width)
        var high = [Float](repeating: 0, count: width)
        var seen = [Bool](repeating: false, count: width)
        let total = max(sampleCount, 1)
        for block in minima.indices {
            let start = block * blockSize
            let bucket = min(width - 1, Int((Double(start) * Double(width) / Double(total)).rounded(.down)))
            if seen[bucket] {
                low[bucket] = min(low[bucket], minima[block])
                high[bucket] = max(high[bucket], maxima[block])
            } else {
                low[bucket] = minima[block]
                high[bucket] = maxima[block]
                seen[bucket] = true
            }
        }
        return AudioPeaks(duration: Double(sampleCount) / Double(sampleRate), minima: low, maxima: high)
    }
}
