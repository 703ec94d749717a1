import Foundation
import Testing

@testable import Media

/// The Swift inference of BeatNet's CRNN against the numpy reference in
/// scripts/convert-beatnet-weights.py (`--test-vectors`, model 1, on the same inputs).
@Suite struct BeatNetActivationTests {
    /// scripts/convert-beatnet-weights.py's test_features: |sin(0.37 i + 1.3 t) · (1 + 0.5 cos(0.05 i (t + 1)))|.
    static func inputs(frames: Int) -> [Float] {
        (0..<frames).flatMap { t in
            (0..<BeatNetModel.inputSize).map { i in
                let (t, i) = (Double(t), Double(i))
                return Float(abs(sin(0.37 * i + 1.3 * t) * (1 + 0.5 * cos(0.05 * i * (t + 1)))))
            }
        }
    }

    /// (beat, downbeat, no beat) per frame, from numpy in float64.
    static let reference: [[Double]] = [
        [0.203160, 0.765613, 0.031226],
        [0.236064, 0.657876, 0.106060],
        [0.243672, 0.580462, 0.175866],
        [0.306877, 0.349562, 0.343560],
        [0.298836, 0.501942, 0.199222],
        [0.319598, 0.374022, 0.306380],
        [0.276256, 0.528351, 0.195393],
        [0.254234, 0.468601, 0.277165],
        [0.239045, 0.512811, 0.248144],
        [0.240297, 0.494336, 0.265367],
        [0.235267, 0.526763, 0.237970],
        [0.236507, 0.534515, 0.228977],
    ]

    @Test func shippedWeightsLoad() throws {
        let model = try #require(BeatNetModel.shared, "Media's beatnet.bin resource was not found or did not parse")
        #expect(model.filters.count == BeatNetModel.bandCount)
    }

    @Test func inferenceMatchesTheNumpyReference() throws {
        let model = try #require(BeatNetModel.shared)
        let (beat, downbeat) = model.activations(inputs: Self.inputs(frames: Self.reference.count))
        #expect(beat.count == Self.reference.count)
        for (t, row) in Self.reference.enumerated() {
            #expect(abs(Double(beat[t]) - row[0]) < 2e-4, "frame \(t): beat \(beat[t]) for \(row[0])")
            #expect(abs(Double(downbeat[t]) - row[1]) < 2e-4, "frame \(t): downbeat \(downbeat[t]) for \(row[1])")
        }
    }

    /// The frames go through in chunks with the LSTM state carried over: any chunking gives
    /// the same activations as one pass.
    @Test func chunksCarryTheState() throws {
        let model = try #require(BeatNetModel.shared)
        let inputs = Self.inputs(frames: 300)
        let whole = model.activations(inputs: inputs, chunk: 1_000)
        let chunked = model.activations(inputs: inputs, chunk: 37)
        #expect(whole.beat.count == 300 && chunked.beat.count == 300)
        let worst = zip(whole.beat + whole.downbeat, chunked.beat + chunked.downbeat).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-5, "chunked differs by \(worst)")
    }

    @Test func fastTanhIsTanh() {
        for x in stride(from: -12.0, through: 12.0, by: 0.01) {
            #expect(abs(Double(fastTanh(Float(x))) - tanh(x)) < 2e-6, "tanh(\(x))")
        }
    }

    @Test func corruptFilesAreRejected() {
        #expect(BeatNetModel(data: Data()) == nil)
        #expect(BeatNetModel(data: Data("BNT1".utf8) + Data([5, 0, 0, 0]) + Data(count: 20)) == nil)
        #expect(BeatNetModel(data: Data("XXXX".utf8) + Data([0, 0, 0, 0])) == nil)
    }

    /// Silence and empty input: probabilities, never NaN.
    @Test func silenceGivesFiniteProbabilities() throws {
        let model = try #require(BeatNetModel.shared)
        #expect(model.activations(bands: []).beat.isEmpty)
        let (beat, downbeat) = model.activations(bands: [Float](repeating: 0, count: 40 * BeatNetModel.bandCount))
        #expect(beat.count == 40)
        #expect(zip(beat, downbeat).allSatisfy { $0.isFinite && $1.isFinite && $0 >= 0 && $0 + $1 <= 1.0001 })
    }
}
