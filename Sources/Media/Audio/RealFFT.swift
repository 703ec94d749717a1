import CFFmpeg
import Foundation

/// A forward real FFT of a fixed size through libavutil's `av_tx`, owned and freed
/// exactly once. The real signal is transformed as a complex one of half the length
/// (even samples real, odd imaginary) and the halves are untangled here: libavutil 5.1
/// has SIMD code for complex transforms but not for real ones, which took twice as long.
final class RealFFT {
    let size: Int
    private var context: OpaquePointer?
    private let transform: av_tx_fn
    private let input: UnsafeMutablePointer<Float>  // size samples = size/2 (re, im) pairs
    private let output: UnsafeMutablePointer<Float>  // size/2 interleaved (re, im) pairs
    /// cos and -sin of 2πk/size for k in 0...size/2: the odd samples' phase shift.
    private let twiddleCos: [Float]
    private let twiddleSin: [Float]

    init(size: Int) throws(MediaError) {
        self.size = size
        var scale: Float = 1
        var function: av_tx_fn?
        let code = av_tx_init(&context, &function, AV_TX_FLOAT_FFT, 0, Int32(size / 2), &scale, 0)
        guard code >= 0, let function else { throw ffmpegError(code, "setting up a \(size)-point FFT") }
        transform = function
        // av_tx wants aligned buffers; av_malloc aligns for SIMD. A failed allocation
        // frees what was made before it (deinit does not run for a failed init).
        let bytes = size * MemoryLayout<Float>.size
        guard let inputBuffer = av_malloc(bytes) else {
            av_tx_uninit(&context)
            throw MediaError(.ffmpeg, "out of memory allocating the FFT input")
        }
        guard let outputBuffer = av_malloc(bytes) else {
            av_free(inputBuffer)
            av_tx_uninit(&context)
            throw MediaError(.ffmpeg, "out of memory allocating the FFT output")
        }
        input = inputBuffer.bindMemory(to: Float.self, capacity: size)
        output = outputBuffer.bindMemory(to: Float.self, capacity: size)
        twiddleCos = (0...(size / 2)).map { Float(cos(2 * Double.pi * Double($0) / Double(size))) }
        twiddleSin = (0...(size / 2)).map { Float(-sin(2 * Double.pi * Double($0) / Double(size))) }
    }

    deinit {
        av_tx_uninit(&context)
        av_free(input)
        av_free(output)
    }

    /// The buffer to fill with `size` samples before `powerSpectrum`.
    var samples: UnsafeMutablePointer<Float> { input }

    /// Transforms `samples` and writes |X[k]|² for k in 0...size/2 into `power`.
    func powerSpectrum(into power: UnsafeMutablePointer<Float>) {
        transform(context, output, input, MemoryLayout<Float>.size * 2)
        let half = size / 2
        let z = output
        // Z[k] = E[k] + i·O[k] for the even and odd samples' spectra E and O, so
        // E[k] = (Z[k] + Z*[half-k]) / 2, O[k] = (Z[k] - Z*[half-k]) / 2i, X[k] = E[k] + W^k·O[k].
        power[0] = (z[0] + z[1]) * (z[0] + z[1])
        power[half] = (z[0] - z[1]) * (z[0] - z[1])
        twiddleCos.withUnsafeBufferPointer { wr in
            twiddleSin.withUnsafeBufferPointer { wi in
                for k in 1..<half {
                    let (a, b) = (z[2 * k], z[2 * k + 1])
                    let (c, d) = (z[2 * (half - k)], z[2 * (half - k) + 1])
                    let evenRe = 0.5 * (a + c)
                    let evenIm = 0.5 * (b - d)
                    let oddRe = 0.5 * (b + d)
                    let oddIm = -0.5 * (a - c)
                    let re = evenRe + wr[k] * oddRe - wi[k] * oddIm
                    let im = evenIm + wr[k] * oddIm + wi[k] * oddRe
                    power[k] = re * re + im * im
                }
            }
        }
    }
}
