import Foundation
import Generation
import Synchronization
import Testing

@testable import Media
@testable import MergeServer

/// The pieces of a music video that need no media: scene timing, progress, sizes.
@Suite struct MusicVideoPlanTests {
    /// A 4/4 song at 120 BPM: beats every 0.5 s, downbeats every 2 s.
    func song(seconds: Double) -> BeatAnalysis {
        let beats = stride(from: 0.0, to: seconds, by: 0.5).map { $0 }
        return BeatAnalysis(
            duration: seconds, tempo: 120, beats: beats, downbeats: beats.enumerated().filter { $0.offset % 4 == 0 }.map(\.element),
            beatsPerBar: 4, confidence: 1)
    }

    @Test func scenesFitTheModelsClipsAndCutOnDownbeats() throws {
        let veo = try #require(try ModelCatalog.builtIn().model("veo-3.1"))
        let plan = try MusicVideoPlan(analysis: song(seconds: 30), count: nil, model: veo)
        #expect(plan.scenes.first?.start == 0 && plan.scenes.last?.end == 30)
        for scene in plan.scenes {
            #expect(scene.duration <= 8 + 1e-9)
            #expect(veo.durations.contains(scene.generateDuration) && scene.generateDuration >= scene.duration - 1e-9)
        }
        for cut in plan.scenes.dropFirst().map(\.start) { #expect(cut.truncatingRemainder(dividingBy: 2) == 0, "cut at \(cut)") }

        let five = try MusicVideoPlan(analysis: song(seconds: 30), count: 5, model: veo)
        #expect(five.scenes.map(\.start) == [0, 6, 12, 18, 24])
        #expect(throws: MediaError.self) { try MusicVideoPlan(analysis: song(seconds: 30), count: 2, model: veo) }
        #expect(throws: MediaError.self) { try MusicVideoPlan(analysis: song(seconds: 1000), count: nil, model: veo) }
    }

    @Test func clipProgressCountsFinishedClipsWhole() {
        let seen = Mutex<[Double]>([])
        let progress = ClipProgress(total: 2) { value in seen.withLock { $0.append(value) } }
        progress.update(0, 0.5)
        progress.update(0, 0.2)  // never goes back
        progress.finished(0)
        progress.finished(1)
        let values = seen.withLock { $0 }
        #expect(values.count == 4)
        #expect(abs(values[0] - 0.2375) < 1e-9)
        #expect(values[1] == values[0])
        #expect(values[2] == 0.5)
        #expect(values[3] == 1)
    }
}
