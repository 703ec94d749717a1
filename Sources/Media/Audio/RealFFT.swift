import CFFmpeg

/// A forward real-to-complex FFT of a fixed size through libavutil's `av_tx`,
/// owned and freed exactly once.
final class RealFFT {
    let size: Int
    private var context: OpaquePointer?
    private let transform: av_tx_fn
    private let input: UnsafeMutablePointer<Float>
    private let output: UnsafeMutablePointer<Float>  // size/2+1 interleaved (re, im) pairs

    init(size: Int) throws(MediaError) {
        self.size = size
        var scale: Float = 1
        var function: av_tx_fn?
        let code = av_tx_init(&context, &function, AV_TX_FLOAT_RDFT, 0, Int32(size), &scale, 0)
        guard code >= 0, let function else { throw ffmpegError(code, "setting up a \(size)-point FFT") }
        transform = function
        // av_tx wants aligned buffers; av_malloc aligns for SIMD.
        input = try ffalloc(av_malloc(size * MemoryLayout<Float>.size), "FFT input").bindMemory(to: Float.self, capacity: size)
        output = try ffalloc(av_malloc((size + 2) * MemoryLayout<Float>.size), "FFT output").bindMemory(to: Float.self, capacity: size + 2)
    }

    deinit {
        av_tx_uninit(&context)
        av_free(input)
        av_free(output)
    }

    /// The buffer to fill with `size` samples before `powerSpectrum`.
    var samples: UnsafeMutablePointer<Float> { input }

    /// Transforms `samples` (overwritten) and writes |X[k]|² for k in 0...size/2 into `power`.
    func powerSpectrum(into power: UnsafeMutablePointer<Float>) {
        transform(context, output, input, MemoryLayout<Float>.size * 2)
        for bin in 0...(size / 2) {
            let re = output[2 * bin]
            let im = output[2 * bin + 1]
            power[bin] = re * re + im * im
        }
    }
}
