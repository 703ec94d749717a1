import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import Media
@testable import MergeServer

/// `GET /api/assets/{id}/peaks`: a known signal (made by the ffmpeg CLI, the oracle) decoded
/// by Media and cut into buckets; the width checked; the result cached.
@Suite struct PeaksTests {
    /// 1 s of a 440 Hz sine at amplitude 0.5, then 1 s of silence, 48 kHz WAV.
    static func burstThenSilence(in directory: TemporaryDirectory) throws -> String {
        let path = directory.file("burst.wav")
        let result = try ProcessRunner.run(
            "/usr/bin/ffmpeg",
            ["-v", "error", "-y", "-f", "lavfi", "-i", "aevalsrc=0.5*sin(2*PI*440*t)*lt(t\\,1):s=48000:d=2", "-c:a", "pcm_s16le", path])
        guard result.status == 0 else { throw TestFailure("ffmpeg: \(result.stderr)") }
        return path
    }

    @Test func aSineBurstThenSilenceHasPeaksOnlyInItsFirstHalf() throws {
        let directory = try TemporaryDirectory()
        let peaks = try AudioPeaks.compute(try Self.burstThenSilence(in: directory), width: 20)
        #expect(abs(peaks.duration - 2) < 0.02, "\(peaks.duration)")
        #expect(peaks.minima.count == 20 && peaks.maxima.count == 20)
        for bucket in 0..<9 {
            #expect(
                abs(peaks.maxima[bucket] - 0.5) < 0.03 && abs(peaks.minima[bucket] + 0.5) < 0.03,
                "bucket \(bucket): \(peaks.minima[bucket])…\(peaks.maxima[bucket])")
        }
        for bucket in 11..<20 {
            #expect(abs(peaks.maxima[bucket]) < 0.01 && abs(peaks.minima[bucket]) < 0.01, "bucket \(bucket) should be silent")
        }
    }

    /// Past its capacity the accumulator folds blocks in pairs; the buckets stay exact.
    @Test func foldedBlocksBucketLikeTheSamplesThemselves() {
        let samples = (0..<1000).map { Float($0) / 1000 }
        var blocks = BlockAccumulator(capacity: 16)
        for sample in samples { blocks.add(sample) }
        #expect(blocks.minima.count <= 16 && blocks.blockSize == 64)
        let peaks = blocks.peaks(width: 4, sampleRate: 1000)
        #expect(peaks.duration == 1)
        // Buckets are block-aligned: each starts at a block that starts in it.
        #expect(peaks.minima[0] == 0 && peaks.maxima[3] == Float(999) / 1000)
        #expect(zip(peaks.minima, peaks.minima.dropFirst()).allSatisfy { $0 < $1 })
        // A width beyond the samples leaves empty buckets at (0, 0), never garbage.
        let wide = AudioPeaks.bucket([0.5, -0.5], width: 8, sampleRate: 2)
        #expect(wide.maxima == [0.5, 0, 0, 0, -0.5, 0, 0, 0] && wide.minima == wide.maxima)
    }

    @Test func theRouteServesCachesAndValidatesTheWidth() async throws {
        let server = try await TestServer.make(workers: 0)
        let wav = try Self.burstThenSilence(in: server.directory)
        try await server.test { client in
            let data = try Data(contentsOf: URL(fileURLWithPath: wav))
            let asset = try await client.execute(
                uri: "/api/uploads?filename=burst.wav", method: .post, headers: [.contentType: "audio/wav"], body: ByteBuffer(bytes: data)
            ) { try jsonObject($0.body) }
            let id = try #require(asset["id"] as? String)

            let answer = try await client.getJSON("/api/assets/\(id)/peaks?width=10")
            #expect(answer.status == .ok)
            #expect(answer.body["width"] as? Int == 10 && answer.body["asset_id"] as? String == id)
            let pairs = try #require(answer.body["peaks"] as? [[Double]])
            #expect(pairs.count == 10 && pairs.allSatisfy { $0.count == 2 && $0[0] <= $0[1] })
            #expect(pairs[2][1] > 0.45 && pairs[2][0] < -0.45 && pairs[7][1] < 0.01)

            // Cached: the same answer with the file gone from the disk.
            let stored = try #require(try await server.dependencies.assets.find(id))
            try FileManager.default.removeItem(atPath: server.dependencies.store.path(of: stored))
            let again = try await client.getJSON("/api/assets/\(id)/peaks?width=10")
            #expect(again.status == .ok && (again.body["peaks"] as? [[Double]]) == pairs)

            for width in ["0", "-1", "1e9", "4097", "abc", "", "1.5", "99999999999999999999"] {
                let refused = try await client.getJSON("/api/assets/\(id)/peaks?width=\(width)")
                #expect(refused.status == .unprocessableContent, "width=\(width)")
                #expect(refused.body["type"] as? String == "invalid_width")
                #expect(((refused.body["errors"] as? [[String: Any]])?.first?["field"] as? String) == "width")
                #expect((refused.body["suggestion"] as? String)?.contains("width=") == true)
            }
            #expect(try await client.getJSON("/api/assets/ast_000000000000000000000000/peaks").status == .notFound)
            #expect(try await client.getJSON("/api/assets/../peaks").status == .notFound)

            let silentVideo = try await client.uploadID("clip_480x480_24_noaudio.mp4")
            let noAudio = try await client.getJSON("/api/assets/\(silentVideo)/peaks?width=10")
            #expect(noAudio.status == .unprocessableContent && noAudio.body["type"] as? String == "no_audio", "\(noAudio.body)")
            #expect(!(noAudio.body["detail"] as? String ?? "/").contains("/"), "no path on this node is shown")
        }
    }

    @Test func theCacheKeepsTheMostRecentlyUsed() async {
        let cache = PeaksCache(capacity: 2)
        let peaks = AudioPeaks(duration: 1, minima: [0], maxima: [0])
        let a = PeaksCache.Key(sha256: "a", width: 1)
        let b = PeaksCache.Key(sha256: "b", width: 1)
        let c = PeaksCache.Key(sha256: "c", width: 1)
        await cache.insert(peaks, for: a)
        await cache.insert(peaks, for: b)
        _ = await cache.value(for: a)
        await cache.insert(peaks, for: c)
        let kept = (a: await cache.value(for: a), b: await cache.value(for: b), c: await cache.value(for: c))
        #expect(kept.a != nil && kept.b == nil && kept.c != nil, "b was the least recently used")
        let count = await cache.count
        #expect(count == 2)
    }
}
