import Foundation
import Media
import TestSupport
import Testing

/// Scene plans over a song, and renders whose decoded cuts land on its beats.
@Suite struct BeatSyncTests {
    let directory: TemporaryDirectory
    let song = Paths.fixture("song_120bpm.m4a")  // beats every 0.5 s from 0, downbeats every 2 s

    init() throws { directory = try TemporaryDirectory() }

    @Test(arguments: [[5.0, 10.0], [4.0, 6.0, 8.0]])
    func scenesCoverTheSongBetweenDownbeats(durations: [Double]) throws {
        let analysis = try BeatTracker.analyze(song)
        let slots = try SceneSlotPlanner.plan(analysis, durations: durations)
        #expect(slots.first?.start == 0)
        #expect(abs((slots.last?.end ?? 0) - analysis.duration) < 1e-9)
        for (slot, next) in zip(slots, slots.dropFirst()) {
            #expect(slot.end == next.start)
            #expect(analysis.downbeats.contains { abs($0 - slot.end) < 1e-9 }, "slot \(slot.index) ends on a downbeat")
        }
        for slot in slots {
            #expect(slot.duration <= (durations.max() ?? 0) + 1e-9)
            #expect(durations.contains(slot.generateDuration) && slot.generateDuration >= slot.duration - 1e-6)
        }
    }

    @Test func scenePlanNeedsDurations() throws {
        let analysis = try BeatTracker.analyze(song)
        #expect(throws: MediaError.self) { try SceneSlotPlanner.plan(analysis, durations: []) }
    }

    @Test(arguments: [BeatSync.Mode.beat, .downbeat])
    func decodedCutsLandOnTheGrid(mode: BeatSync.Mode) throws {
        // Clip lengths off the grid: 2.3, 1.85 (+ whatever), 2.2 s, each a different picture.
        var clips: [Clip] = []
        for (index, (seconds, pattern)) in [(2.3, MockPattern.testsrc2), (2.15, .smptehdbars), (2.2, .mandelbrot)].enumerated() {
            var spec = MockVideoSpec()
            spec.duration = 3
            spec.width = 320
            spec.height = 240
            spec.pattern = pattern
            spec.seed = UInt64(index + 1)
            let path = directory.file("clip\(index).mp4")
            try MockVideoSynthesizer.write(spec, to: path)
            clips.append(Clip(source: path, out: seconds))
        }
        var timeline = Timeline(clips: clips)
        timeline.audio = Soundtrack(source: song)
        timeline.beatSync = BeatSync(mode: mode, maxShift: mode == .beat ? 0.3 : 1.0)
        let path = directory.file("synced.mp4")
        let plan = try TimelinePlanner.plan(timeline, outputPath: path)
        let result = try TimelineRenderer.render(plan, to: path)

        let grid = mode == .beat ? 0.5 : 2.0
        func onGrid(_ time: Double) -> Bool { abs(time / grid - (time / grid).rounded()) * grid <= 1.0 / 30 + 0.011 }
        #expect(result.cuts.count == 2 && result.cuts.allSatisfy(onGrid), "planned cuts \(result.cuts)")
        #expect(!result.beats.isEmpty)
        let decoded = try Oracle.sceneCuts(path)
        #expect(decoded.count == 2, "decoded cuts \(decoded)")
        #expect(decoded.allSatisfy(onGrid), "decoded cuts \(decoded) on the \(grid) s grid")
        let end = try Oracle.streamDurations(path).video
        #expect(abs(end / 2 - (end / 2).rounded()) * 2 <= 1.0 / 30 + 0.011, "ends on a downbeat: \(end)")
    }
}
