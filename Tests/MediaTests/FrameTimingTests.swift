import Testing

@testable import Media

@Suite struct FrameTimingTests {
    @Test func evenlySpacedTimestampsAreConstant() {
        #expect(!FrameTiming.isVariable(timestamps: (0..<100).map { Int64($0 * 512) }))
    }

    @Test func millisecondRoundingIsStillConstant() {
        // 60 fps in a 1 ms time base alternates 16 and 17 ms.
        let timestamps = (0..<120).map { Int64((Double($0) * 1000 / 60).rounded()) }
        #expect(!FrameTiming.isVariable(timestamps: timestamps))
    }

    @Test func reorderedTimestampsAreSortedFirst() {
        // B-frames arrive out of presentation order.
        let timestamps: [Int64] = [0, 3, 1, 2, 6, 4, 5, 9, 7, 8].map { $0 * 1001 }
        #expect(!FrameTiming.isVariable(timestamps: timestamps))
    }

    @Test func mixedFrameDurationsAreVariable() {
        var timestamps: [Int64] = []
        var time: Int64 = 0
        for index in 0..<60 {
            timestamps.append(time)
            time += index.isMultiple(of: 3) ? 1536 : 512
        }
        #expect(FrameTiming.isVariable(timestamps: timestamps))
    }

    @Test func tooFewTimestampsSayNothing() {
        #expect(!FrameTiming.isVariable(timestamps: [0, 5000]))
    }

    @Test func frameRatesFromDecimals() {
        #expect(FrameRate(30) == FrameRate(30, 1))
        #expect(FrameRate(29.97) == FrameRate(30000, 1001))
        #expect(FrameRate(59.94) == FrameRate(60000, 1001))
        #expect(FrameRate(12.5) == FrameRate(25, 2))
        #expect(FrameRate(0) == nil)
        #expect(FrameRate(-1) == nil)
        #expect(FrameRate(.nan) == nil)
    }

    @Test func frameCountCoversTheDuration() {
        var spec = MockVideoSpec()
        spec.duration = 2.5
        spec.frameRate = FrameRate(24)
        #expect(spec.frameCount == 60)
        spec.duration = 1.01
        spec.frameRate = FrameRate(30)
        #expect(spec.frameCount == 31)
    }
}
