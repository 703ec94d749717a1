import Foundation
import TestSupport
import Testing

@testable import Media

/// Inputs made to hurt the server: each is refused with a clear error, without a hang,
/// a read of another file, or a giant allocation.
@Suite struct HostileMediaTests {
    let directory: TemporaryDirectory
    /// A media file outside `directory`: what a playlist would smuggle into a render.
    let privateFile = Paths.fixture("clip_640x480_25.mp4")

    init() throws { directory = try TemporaryDirectory() }

    @Test func hlsPlaylistOfALocalFileIsRefused() throws {
        let playlist = try HostileFiles.hlsPlaylist(in: directory, pointingAt: privateFile)
        let error = #expect(throws: MediaError.self) { try MediaProbe.probe(playlist) }
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("is an HLS playlist") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("upload the media file itself") == true)
    }

    @Test func livePlaylistIsRefusedWithinTheDeadline() throws {
        // Before: FFmpeg slept for the segment's 999999999 s, waiting for the playlist to grow.
        let playlist = try HostileFiles.hlsPlaylist(in: directory, pointingAt: privateFile, live: true)
        let error = #expect(throws: MediaError.self) { try MediaProbe.probe(playlist, deadline: .seconds(2)) }
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("HLS playlist") == true)
    }

    @Test func ffconcatScriptIsRefused() throws {
        let script = try HostileFiles.ffconcat(in: directory, pointingAt: privateFile)
        let error = #expect(throws: MediaError.self) { try MediaProbe.probe(script) }
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("ffconcat script") == true, "\(error?.message ?? "")")
    }

    @Test func playlistsAreRefusedByContentWhateverTheirName() {
        #expect(InputPolicy.indirection(in: Array("\u{FEFF}  #EXTM3U\n".utf8)) != nil)
        #expect(InputPolicy.indirection(in: Array("#EXTINF:10,\nseg.ts\n".utf8)) != nil)
        #expect(InputPolicy.indirection(in: Array("<?xml version=\"1.0\"?>\n<MPD xmlns=\"urn:mpeg:dash\">".utf8)) != nil)
        #expect(InputPolicy.indirection(in: Array("v=0\no=- 0 0 IN IP4 127.0.0.1\nm=video 5004 RTP/AVP 96\n".utf8)) != nil)
        #expect(InputPolicy.indirection(in: Array("just text".utf8)) == nil)
        // A playlist's first line counts even with binary after it; a tag inside a container's metadata does not.
        #expect(InputPolicy.indirection(in: Array("#EXTM3U\n".utf8) + [0, 1, 2]) != nil)
        #expect(InputPolicy.indirection(in: [0, 0, 0, 0x20] + Array("ftypisom title=#EXTINF:".utf8)) == nil)
    }

    @Test func imageSequencePatternNeverOpens() throws {
        // FFmpeg's image2 demuxer takes the name as a pattern; the whitelist has only single-image demuxers.
        // A PNG, JPEG or WebP is opened by its own `*_pipe` demuxer, chosen from its signature, so a
        // pattern-like name is just a name: the file itself is the one picture read (not frame001.png).
        let pattern = try HostileFiles.imagePattern(in: directory)
        try Data(HostileFiles.pngBomb(width: 4, height: 2)).write(to: URL(fileURLWithPath: pattern))
        let read = try MediaProbe.probe(pattern)
        #expect(read.format == "png_pipe" && read.video?.width == 4, "the named file, not the sequence it looks like")
        // Anything else with a pattern name falls to image2, which is refused.
        let gif = try Data(contentsOf: URL(fileURLWithPath: try HostileFiles.gif(in: directory)))
        let gifPattern = directory.file("frame%03d.gif")
        try gif.write(to: URL(fileURLWithPath: gifPattern))
        let error = #expect(throws: MediaError.self) { try MediaProbe.probe(gifPattern) }
        #expect(error?.kind == .notMedia)
        #expect(error?.message.contains("image-sequence pattern") == true, "\(error?.message ?? "")")
        // The same picture under a plain name is a still image.
        let single = try MediaProbe.probe(directory.file("frame001.png"))
        #expect(single.format == "png_pipe" && single.video?.width == 2)
    }

    @Test func aJPEGNamedJpgOpensAsAStillImage() throws {
        // By extension FFmpeg would pick image2 for a .jpg, which the whitelist refuses.
        let path = directory.file("photo.jpg")
        let run = try ProcessRunner.run(
            "ffmpeg", ["-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", "-y", path])
        #expect(run.status == 0, "\(run.stderr)")
        let info = try MediaProbe.probe(path)
        #expect(info.format == "jpeg_pipe" && info.isStillImage && info.video?.width == 64)
    }

    @Test func formatsOutsideTheWhitelistAreRefused() throws {
        let gif = try HostileFiles.gif(in: directory)
        let error = #expect(throws: MediaError.self) { try MediaProbe.probe(gif) }
        #expect(error?.kind == .notMedia)
        #expect(error?.message.contains("not a media file the server reads") == true, "\(error?.message ?? "")")
        #expect(error?.ffmpegMessage?.contains("whitelist") == true)
    }

    @Test func pngBombIsRefusedBeforeDecoding() throws {
        let path = directory.file("bomb.png")
        let bomb = HostileFiles.pngBomb(width: 16000, height: 16000)
        #expect(bomb.count < 1_000_000)
        try Data(bomb).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: MediaError.self) { try MediaProbe.probe(path) }
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("16000×16000") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("8192×8192") == true)
        // The analysis path opens inputs the same way.
        #expect(throws: MediaError.self) { try BeatTracker.analyze(path) }
    }

    @Test func jpegDeclaringAGiantFrameIsRefused() throws {
        let path = try HostileFiles.jpegHeader(in: directory, width: 16000, height: 16000)
        let error = #expect(throws: MediaError.self) { try MediaProbe.probe(path) }
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("16000×16000") == true, "\(error?.message ?? "")")
    }

    @Test func stillImageHeadersAreRead() {
        #expect(PictureSizeLimit.stillImageSize(HostileFiles.pngBomb(width: 300, height: 200)).map { [$0.0, $0.1] } == [300, 200])
        var webp = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8X".utf8) + [UInt8](repeating: 0, count: 8)
        webp += [0x7F, 0x3E, 0x00, 0x7F, 0x3E, 0x00]  // 16000 − 1, twice, little-endian 24-bit
        #expect(PictureSizeLimit.stillImageSize(webp).map { [$0.0, $0.1] } == [16000, 16000])
        #expect(PictureSizeLimit.stillImageSize(Array("not an image at all, just some bytes".utf8)) == nil)
    }

    @Test func emptyTruncatedAndSpecialFilesAreRefused() throws {
        let empty = directory.file("empty.mp4")
        FileManager.default.createFile(atPath: empty, contents: Data())
        let emptyError = #expect(throws: MediaError.self) { try MediaProbe.probe(empty) }
        #expect(emptyError?.kind == .emptyFile)

        let half = try HostileFiles.truncated(in: directory)
        let truncatedError = #expect(throws: MediaError.self) { try MediaProbe.probe(half) }
        #expect(truncatedError?.kind == .truncated, "\(truncatedError?.description ?? "")")

        // A named pipe would block FFmpeg inside open(), where no callback can reach it.
        let fifo = directory.file("pipe.mp4")
        #expect(mkfifo(fifo, 0o600) == 0)
        let fifoError = #expect(throws: MediaError.self) { try MediaProbe.probe(fifo) }
        #expect(fifoError?.kind == .notMedia)
        #expect(fifoError?.message.contains("not a regular file") == true)
    }

    @Test func probeStuckInsideFFmpegStopsAtItsDeadline() throws {
        let path = try HostileFiles.endlessTail(in: directory)
        let error = #expect(throws: MediaError.self) { try MediaProbe.probe(path, deadline: .seconds(1)) }
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("took longer than 1 s") == true, "\(error?.description ?? "")")
    }

    /// Runs `cancel` a second from now on a Dispatch thread, not after a `Task.sleep`: with the
    /// suite's blocking renders holding every thread of the cooperative pool, a sleeping test
    /// task woke up too late (past the input's 20 s deadline) to send its cancel in CI.
    static func afterOneSecond(_ cancel: @escaping @Sendable () -> Void) {
        DispatchQueue.global().asyncAfter(deadline: .now() + 1, execute: cancel)
    }

    @Test func cancelStopsAProbeStuckInsideFFmpeg() async throws {
        let path = try HostileFiles.endlessTail(in: directory)
        // The deadline only keeps a broken cancel from hanging the suite.
        let executor = MediaExecutor(name: "test", width: 1)
        let task = Task { try await executor.run("stuck-probe") { _ throws(MediaError) in try MediaProbe.probe(path, deadline: .seconds(600)) } }
        Self.afterOneSecond { task.cancel() }
        let error = await #expect(throws: MediaError.self) { try await task.value }
        #expect(error?.kind == .cancelled, "\(error?.description ?? "")")
    }

    @Test func cancelStopsAnAnalysisStuckInsideFFmpeg() async throws {
        let path = try HostileFiles.endlessTail(in: directory)
        let flag = CancellationFlag()
        let task = Task.detached { try BeatTracker.analyze(path, cancellation: flag) }
        Self.afterOneSecond { flag.cancel() }
        let error = await #expect(throws: MediaError.self) { try await task.value }
        #expect(error?.kind == .cancelled, "\(error?.description ?? "")")
    }

    @Test func cancelStopsARenderWhosePlanningIsStuckOnAClip() async throws {
        let clip = try HostileFiles.endlessTail(in: directory)
        let output = directory.file("out.mp4")
        let task = Task { try await TimelineRenderer.render(Timeline(clips: [Clip(source: clip)]), to: output, on: .tests) }
        Self.afterOneSecond { task.cancel() }
        let error = await #expect(throws: MediaError.self) { try await task.value }
        #expect(error?.kind == .cancelled, "a cancel, not a problem of the timeline: \(error?.description ?? "")")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func everyFixtureStillOpensUnderThePolicy() throws {
        for fixture in ProbeTests.mediaFixtures {
            #expect(throws: Never.self, "\(fixture)") { try MediaProbe.probe(Paths.fixture(fixture)) }
        }
    }
}

/// Media's bounded executor.
@Suite struct MediaExecutorTests {
    /// Counts jobs running at once.
    final class Gauge: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0
        private(set) var peak = 0
        func enter() {
            lock.withLock {
                now += 1
                peak = max(peak, now)
            }
        }
        func leave() { lock.withLock { now -= 1 } }
    }

    @Test func runsAtMostItsWidthAtOnce() async throws {
        let pool = MediaExecutor(name: "test", width: 2)
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await pool.run("gauge") { _ in
                        gauge.enter()
                        defer { gauge.leave() }
                        Thread.sleep(forTimeInterval: 0.05)
                        return index
                    }
                }
            }
            var seen: Set<Int> = []
            for try await index in group { seen.insert(index) }
            #expect(seen == Set(0..<8))
        }
        #expect(gauge.peak <= 2 && gauge.peak >= 1)
        #expect(pool.load.waiting == 0)
    }

    @Test func cancellingQueuedWorkAnswersAtOnce() async throws {
        let pool = MediaExecutor(name: "test", width: 1)
        let started = CancellationFlag()
        // Holds the only thread until it is cancelled.
        let blocker = Task {
            try await pool.run("blocker") { flag throws(MediaError) in
                started.cancel()
                while !flag.isCancelled { Thread.sleep(forTimeInterval: 0.01) }
                throw MediaError.cancelled()
            }
        }
        while !started.isCancelled { try await Task.sleep(for: .milliseconds(10)) }
        let queuedRan = CancellationFlag()
        let queued = Task { try await pool.run("queued") { _ in queuedRan.cancel() } }
        while pool.load.waiting == 0 { try await Task.sleep(for: .milliseconds(10)) }
        queued.cancel()
        let error = await #expect(throws: MediaError.self) { try await queued.value }
        #expect(error?.kind == .cancelled)
        #expect(pool.load.running == 1, "the blocker still holds the thread: the queued work was answered without one")
        #expect(!queuedRan.isCancelled)
        blocker.cancel()
        _ = await blocker.result
    }
}
