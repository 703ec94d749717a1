import Foundation
import Media
import TestSupport
import Testing

/// Chunk-parallel renders: chunks encoded apart, the sound rendered once, joined by stream
/// copy; the one-pass render of the same plan is the reference, ffmpeg/ffprobe the oracle.
@Suite struct ChunkedRenderTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func mock(_ name: String, seconds: Double, pattern: MockPattern = .testsrc2, seed: UInt64 = 0, tone: Double = 440) throws -> String {
        var spec = MockVideoSpec()
        spec.duration = seconds
        spec.width = 320
        spec.height = 240
        spec.frameRate = FrameRate(30)
        spec.pattern = pattern
        spec.seed = seed
        spec.text = name
        spec.audio = .tone(hertz: tone)
        let path = directory.file(name)
        try MockVideoSynthesizer.write(spec, to: path)
        return path
    }

    /// Four clips: a cut, a fade, a cut; the song under them, faded, normalized to -14 LUFS.
    func cutsAndFades() throws -> Timeline {
        let clips = [
            try mock("a.mp4", seconds: 3, seed: 1), try mock("b.mp4", seconds: 2, pattern: .smptehdbars, seed: 2),
            try mock("c.mp4", seconds: 3, pattern: .mandelbrot, seed: 3), try mock("d.mp4", seconds: 2, seed: 4),
        ]
        var timeline = Timeline(
            clips: clips.map { Clip(source: $0) },
            transitions: [Transition(type: "cut"), Transition(type: "fade", duration: 0.5), Transition(type: "cut")])
        timeline.audio = Soundtrack(source: Paths.fixture("song_120bpm.m4a"), fadeIn: 0.5, fadeOut: 1, clipAudio: .duck, loudness: -14)
        return timeline
    }

    // MARK: joined output against the one-pass render

    @Test func chunksRenderedApartJoinToTheOnePassRender() throws {
        let plan = try TimelinePlanner.plan(try cutsAndFades(), outputPath: directory.file("x.mp4"))
        let onePass = directory.file("one-pass.mp4")
        _ = try TimelineRenderer.render(plan, to: onePass)

        // The job layer's way: the plan stored as JSON, each step from it, files as the hand-off.
        let stored = try JSONEncoder().encode(try ChunkPlanner.plan(plan, chunkSeconds: 3))
        let chunkPlan = try JSONDecoder().decode(ChunkPlan.self, from: stored)
        #expect(chunkPlan.chunks.count >= 3, "\(chunkPlan.chunks)")
        #expect(Set(chunkPlan.chunks.map(\.boundary)) == [.start, .cut, .keyframe], "a cut seam and a keyframe seam: \(chunkPlan.chunks)")
        let chunkPaths = try chunkPlan.chunks.map { chunk in
            try TimelineRenderer.renderChunk(chunk, of: chunkPlan, to: directory.file("chunk\(chunk.index).mp4")).path
        }
        // Each chunk is a file of its own frames, video only, starting on a keyframe.
        for (chunk, path) in zip(chunkPlan.chunks, chunkPaths) {
            let report = try Oracle.probe(path, countFrames: true)
            #expect(report.audio == nil)
            #expect(report.video?.nb_read_frames == String(chunk.frameCount), "chunk \(chunk.index)")
            #expect(try Self.firstPictureType(path) == "I", "chunk \(chunk.index) starts on a keyframe")
        }
        let soundtrack = try TimelineRenderer.renderSoundtrack(chunkPlan.plan, to: directory.file("sound.mp4"))
        let joined = directory.file("joined.mp4")
        let result = try ChunkJoiner.join(chunkPlan, chunks: chunkPaths, soundtrack: soundtrack, to: joined)
        #expect(result.chunks == chunkPlan.chunks.count)
        #expect(result.frames == plan.totalFrames)
        #expect(result.measuredLoudness != nil)

        try expectSameVideo(joined, as: onePass, frames: plan.totalFrames, seams: chunkPlan.chunks.dropFirst().map(\.startFrame))
        try expectSameSound(joined, as: onePass)
    }

    @Test(arguments: ["one long clip", "fades only"])
    func withoutHardCutsChunksSplitAtForcedKeyframes(shape: String) async throws {
        var timeline: Timeline
        if shape == "one long clip" {
            // Trimmed, so the chunks inside it start from a shifted `in`.
            timeline = Timeline(clips: [Clip(source: try mock("long.mp4", seconds: 9), in: 0.4, out: 8.7)])
        } else {
            let clips = [
                try mock("a.mp4", seconds: 3, seed: 5), try mock("b.mp4", seconds: 3, pattern: .mandelbrot),
                try mock("c.mp4", seconds: 3, pattern: .gradients, seed: 6),
            ]
            timeline = Timeline(clips: clips.map { Clip(source: $0) }, transition: Transition(type: "wipeleft", duration: 0.5), timing: .preserve)
        }
        timeline.audio = Soundtrack(clipAudio: .mix, loudness: -16)
        let plan = try TimelinePlanner.plan(timeline, outputPath: directory.file("x.mp4"))
        let onePass = directory.file("one-pass.mp4")
        _ = try TimelineRenderer.render(plan, to: onePass)

        let chunkPlan = try ChunkPlanner.plan(plan, chunkSeconds: 2.5)
        #expect(chunkPlan.chunks.count >= 3)
        #expect(chunkPlan.chunks.dropFirst().allSatisfy { $0.boundary == .keyframe }, "\(chunkPlan.chunks)")
        let joined = directory.file("joined.mp4")
        let result = try await ChunkedRenderer.render(plan, to: joined, chunkSeconds: 2.5, on: .tests)
        #expect(result.chunks == chunkPlan.chunks.count)
        #expect(directory.contents().allSatisfy { !$0.contains(".chunks-") }, "the chunk files are removed: \(directory.contents())")

        try expectSameVideo(joined, as: onePass, frames: plan.totalFrames, seams: chunkPlan.chunks.dropFirst().map(\.startFrame))
        try expectSameSound(joined, as: onePass)
    }

    @Test func aStillInMotionWithAnOverlayChunksLikeTheOnePassRender() async throws {
        // Chunks start inside the image clip: its motion continues from the frame the chunk starts on.
        let picture = directory.file("picture.png")
        let made = try ProcessRunner.run(
            "ffmpeg", ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=640x360", "-frames:v", "1", "-y", picture])
        #expect(made.status == 0, "\(made.stderr)")
        let timeline = Timeline(
            clips: [Clip(source: picture, duration: 6, motion: .zoomIn, motionStrength: 0.3), Clip(source: try mock("a.mp4", seconds: 2))],
            transition: Transition(type: "fade", duration: 0.5),
            output: OutputSettings(width: 320, height: 180, fps: 30),
            overlays: [TextOverlay(text: "across the seams", start: 1, end: 6, position: "center", box: true, fade: 0.5)])
        let plan = try TimelinePlanner.plan(timeline, outputPath: directory.file("x.mp4"))
        let onePass = directory.file("one-pass.mp4")
        _ = try TimelineRenderer.render(plan, to: onePass)
        let chunkPlan = try ChunkPlanner.plan(plan, chunkSeconds: 2.5)
        #expect(chunkPlan.chunks.count >= 3)
        let joined = directory.file("joined.mp4")
        _ = try await ChunkedRenderer.render(plan, to: joined, chunkSeconds: 2.5, on: .tests)
        try expectSameVideo(joined, as: onePass, frames: plan.totalFrames, seams: chunkPlan.chunks.dropFirst().map(\.startFrame))
    }

    @Test func softCaptionsAreMuxedOnceAtTheJoin() async throws {
        let cues = [
            CaptionCue(start: 0.5, end: 1.5, text: "first"), CaptionCue(start: 2.2, end: 3.8, text: "across the seam"),
            CaptionCue(start: 4, end: 5, text: "last"),
        ]
        let timeline = Timeline(
            clips: [Clip(source: try mock("a.mp4", seconds: 3)), Clip(source: try mock("b.mp4", seconds: 3, seed: 2))],
            transition: Transition(type: "fade", duration: 0.5), output: OutputSettings(width: 256, height: 192, fps: 30),
            captions: Captions(cues: cues, burn: false))
        let plan = try TimelinePlanner.plan(timeline, outputPath: directory.file("x.mp4"))
        #expect(try ChunkPlanner.plan(plan, chunkSeconds: 2).isChunked)
        let joined = directory.file("joined.mp4")
        let result = try await ChunkedRenderer.render(plan, to: joined, chunkSeconds: 2, on: .tests)
        #expect(result.chunks ?? 1 > 1)
        let read = try ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-i", joined, "-map", "0:s:0", "-f", "srt", "-"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout.components(separatedBy: " --> ").count - 1 == 3, "\(read.stdout)")
        #expect(read.stdout.contains("00:00:02,200 --> 00:00:03,800") && read.stdout.contains("across the seam"), "\(read.stdout)")
    }

    // MARK: the planner

    @Test func aTimelineNoLongerThanTheThresholdIsOneChunk() throws {
        // Another size than the clip's, so the video is encoded (not the stream-copy fast path).
        var timeline = Timeline(clips: [Clip(source: try mock("a.mp4", seconds: 3))])
        timeline.output = OutputSettings(width: 256, height: 192)
        let plan = try TimelinePlanner.plan(timeline)
        for seconds in [3.0, 120] {
            let chunkPlan = try ChunkPlanner.plan(plan, chunkSeconds: seconds)
            #expect(!chunkPlan.isChunked)
            #expect(chunkPlan.chunks == [.init(index: 0, startFrame: 0, endFrame: 90, boundary: .start)])
        }
        #expect(try ChunkPlanner.plan(plan, chunkSeconds: 2.9).isChunked)
    }

    @Test func aStreamCopyRenderIsNeverChunked() throws {
        // Compatible whole clips with cuts: the video is copied, which chunking could only slow down.
        let clips = [try mock("a.mp4", seconds: 3), try mock("b.mp4", seconds: 3, seed: 2)]
        let plan = try TimelinePlanner.plan(Timeline(clips: clips.map { Clip(source: $0) }))
        #expect(!(try ChunkPlanner.plan(plan, chunkSeconds: 2).isChunked))
    }

    @Test func aTransitionIsNeverSplit() throws {
        // Many transitions and chunks short enough that an even split would land inside them.
        let clips = try (0..<6).map { try mock("c\($0).mp4", seconds: 2, seed: UInt64($0)) }
        for timing in TimingMode.allCases {
            let timeline = Timeline(clips: clips.map { Clip(source: $0) }, transition: Transition(type: "fade", duration: 0.9), timing: timing)
            let plan = try TimelinePlanner.plan(timeline)
            for seconds in [2.0, 2.2, 2.7, 3.1, 4.5] {
                let chunks = try ChunkPlanner.plan(plan, chunkSeconds: seconds).chunks
                #expect(chunks.first?.startFrame == 0 && chunks.last?.endFrame == plan.totalFrames)
                #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.endFrame == $1.startFrame && $0.frameCount > 0 })
                for seam in chunks.dropFirst().map(\.startFrame) {
                    for (index, join) in plan.joins.enumerated() where join.frames > 0 {
                        let window = plan.clips[index + 1].startFrame..<(plan.clips[index + 1].startFrame + join.frames)
                        #expect(!window.contains(seam), "\(timing), \(seconds) s: seam \(seam) inside transition \(index) \(window)")
                    }
                }
            }
        }
    }

    @Test(arguments: [0, -5, Double.nan, .infinity, -.infinity, 1.5])
    func absurdChunkLengthsAreRefused(seconds: Double) throws {
        let plan = try TimelinePlanner.plan(Timeline(clips: [Clip(source: try mock("a.mp4", seconds: 2))]))
        let error = #expect(throws: MediaError.self) { try ChunkPlanner.plan(plan, chunkSeconds: seconds) }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("chunk length") == true, "\(error?.message ?? "")")
    }

    @Test func chunkLengthComesFromTheEnvironment() throws {
        #expect(try ChunkPlanner.chunkSeconds(environment: [:]) == 120)
        #expect(try ChunkPlanner.chunkSeconds(environment: ["MERGE_SERVER_CHUNK_SECONDS": "45"]) == 45)
        for bad in ["abc", "0", "-3", "nan", "", "1"] {
            let error = #expect(throws: MediaError.self) { try ChunkPlanner.chunkSeconds(environment: ["MERGE_SERVER_CHUNK_SECONDS": bad]) }
            #expect(error?.kind == .invalidArgument, "\(bad)")
        }
    }

    @Test func aStoredPlanIsTheSamePlanAndItsSourcesCanMove() throws {
        let chunkPlan = try ChunkPlanner.plan(try TimelinePlanner.plan(try cutsAndFades()), chunkSeconds: 3)
        #expect(try JSONDecoder().decode(ChunkPlan.self, from: try JSONEncoder().encode(chunkPlan)) == chunkPlan)
        // Another worker finds the sources in its own scratch directory.
        let moved = try chunkPlan.relocatingSources { "/scratch/" + ($0 as NSString).lastPathComponent }
        #expect(moved.plan.clips.allSatisfy { $0.path.hasPrefix("/scratch/") })
        #expect(moved.plan.soundtrack?.path == "/scratch/song_120bpm.m4a")
        #expect(moved.chunks == chunkPlan.chunks && moved.plan.totalFrames == chunkPlan.plan.totalFrames)
    }

    @Test func aChunkThatIsNotThePlansIsRefused() throws {
        let plan = try TimelinePlanner.plan(try cutsAndFades())
        let chunkPlan = try ChunkPlanner.plan(plan, chunkSeconds: 3)
        let forged = ChunkPlan.Chunk(index: 1, startFrame: 140, endFrame: 200, boundary: .keyframe)
        let error = #expect(throws: MediaError.self) {
            try TimelineRenderer.renderChunk(forged, of: chunkPlan, to: directory.file("forged.mp4"))
        }
        #expect(error?.kind == .invalidArgument)
        #expect(!FileManager.default.fileExists(atPath: directory.file("forged.mp4")))
    }

    // MARK: oracle checks

    /// Same frame count, duration within a frame, same stream parameters, and every frame on
    /// each side of a seam within encoder noise of the one-pass render's (PSNR ≥ 40 dB).
    func expectSameVideo(_ joined: String, as reference: String, frames: Int64, seams: [Int64]) throws {
        let ours = try Oracle.probe(joined, countFrames: true)
        let theirs = try Oracle.probe(reference, countFrames: true)
        let video = try #require(ours.video)
        let referenceVideo = try #require(theirs.video)
        #expect(video.nb_read_frames == String(frames) && referenceVideo.nb_read_frames == String(frames))
        let duration = Double(video.duration ?? "") ?? .nan
        #expect(abs(duration - (Double(referenceVideo.duration ?? "") ?? .nan)) <= 1.0 / 30 + 1e-6, "\(duration)")
        #expect(abs((Double(ours.format.duration ?? "") ?? .nan) - (Double(theirs.format.duration ?? "") ?? .nan)) <= 1.0 / 30 + 1e-6)
        for (label, mine, other) in [
            ("codec", video.codec_name, referenceVideo.codec_name), ("profile", video.profile, referenceVideo.profile),
            ("pix_fmt", video.pix_fmt, referenceVideo.pix_fmt), ("sar", video.sample_aspect_ratio, referenceVideo.sample_aspect_ratio),
            ("r_frame_rate", video.r_frame_rate, referenceVideo.r_frame_rate),
            ("avg_frame_rate", video.avg_frame_rate, referenceVideo.avg_frame_rate),
            ("audio codec", ours.audio?.codec_name, theirs.audio?.codec_name), ("sample rate", ours.audio?.sample_rate, theirs.audio?.sample_rate),
        ] {
            #expect(mine == other, "\(label): \(mine ?? "nil") vs \(other ?? "nil")")
        }
        #expect(video.width == referenceVideo.width && video.height == referenceVideo.height)
        #expect(ours.audio?.channels == theirs.audio?.channels)

        let psnr = try Oracle.framePSNR(joined, reference, scratch: directory.file("psnr.log"))
        #expect(psnr.count == Int(frames))
        for seam in seams {
            for frame in [seam - 2, seam - 1, seam, seam + 1] where psnr.indices.contains(Int(frame)) {
                #expect(psnr[Int(frame)] >= 40, "frame \(frame) at the seam \(seam): PSNR \(psnr[Int(frame)]) dB")
            }
        }
    }

    /// The sound is the one-pass render's, sample for sample, so there is no seam in it.
    func expectSameSound(_ joined: String, as reference: String) throws {
        let ours = try Oracle.decodedAudio(joined)
        let theirs = try Oracle.decodedAudio(reference)
        #expect(ours.count == theirs.count, "\(ours.count) vs \(theirs.count) bytes of PCM")
        #expect(ours == theirs, "the decoded sound differs from the one-pass render's")
        let durations = (try Oracle.streamDurations(joined), try Oracle.streamDurations(reference))
        #expect(durations.0.audio == durations.1.audio)
    }

    /// The picture type (I, P, B) of the first decoded frame.
    static func firstPictureType(_ path: String) throws -> String? {
        let run = try ProcessRunner.run(
            "ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1", "-show_entries", "frame=pict_type", "-of", "csv=p=0", path])
        return run.stdout.split(separator: "\n").first.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: " ,")) }
    }
}
