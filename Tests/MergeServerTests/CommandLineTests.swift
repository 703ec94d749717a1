import Foundation
import Testing
import TestSupport

/// The `merge-server` executable as a user runs it: exit codes, stdout, and the
/// one-line `error:` contract on stderr.
@Suite struct CommandLineTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func mergeServer(_ arguments: String...) throws -> ProcessResult {
        try ProcessRunner.run(Paths.mergeServer, arguments)
    }

    @Test func mockWritesAPlayableClipAndProbeDescribesIt() throws {
        let path = directory.file("clip.mkv")
        let mock = try mergeServer("mock", path, "--duration", "1.5", "--size", "480x270", "--fps", "25",
                                   "--pattern", "smptehdbars", "--text", "cli", "--tone", "880", "--seed", "3",
                                   "--video-codec", "hevc")
        #expect(mock.status == 0, "\(mock.stderr)")
        #expect(mock.stdout.contains("wrote \(path)"))

        let probe = try mergeServer("probe", path)
        #expect(probe.status == 0, "\(probe.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: probe.stdoutData) as? [String: Any])
        let video = try #require(json["video"] as? [String: Any])
        #expect(video["codec"] as? String == "hevc")
        #expect(video["width"] as? Int == 480 && video["height"] as? Int == 270)
        #expect(video["fps"] as? Double == 25)
        #expect((json["audio"] as? [String: Any])?["codec"] as? String == "aac")

        let reference = try Oracle.probe(path, countFrames: true)
        #expect(reference.video?.nb_read_frames == "38")
    }

    @Test func probeOfSeveralFilesPrintsAnArray() throws {
        let result = try mergeServer("probe", Paths.fixture("clip_640x480_25.mp4"), Paths.fixture("song_120bpm.m4a"))
        #expect(result.status == 0)
        let array = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[1]["video"] is NSNull)
    }

    @Test func noTonWritesNoAudioTrack() throws {
        let path = directory.file("silent.webm")
        #expect(try mergeServer("mock", path, "--duration", "0.5", "--size", "160x120", "--tone", "none").status == 0)
        let report = try Oracle.probe(path)
        #expect(report.video?.codec_name == "vp9", "webm defaults to VP9")
        #expect(report.audio == nil)
    }

    static let failingMocks: [([String], String)] = [
        (["--size", "0x0"], "out of range"),
        (["--size", "100000x100000"], "out of range"),
        (["--size", "wide"], "--size"),
        (["--size", "641x360"], "even"),
        (["--duration", "0"], "positive"),
        (["--duration", "-2"], "positive"),
        (["--fps", "0"], "fps"),
        (["--pattern", "plasma"], "testsrc2"),
        (["--video-codec", "av1"], "h264"),
        (["--tone", "loud"], "--tone"),
        (["--unknown-flag"], "unknown-flag"),
    ]

    @Test(arguments: 0..<failingMocks.count)
    func badMockArgumentsFailWithOneErrorLineAndNoFile(index: Int) throws {
        let (arguments, expected) = Self.failingMocks[index]
        let result = try ProcessRunner.run(Paths.mergeServer, ["mock", directory.file("out.mp4")] + arguments)
        expectOneErrorLine(result, containing: expected)
        #expect(directory.contents().isEmpty)
    }

    @Test func badOutputPathsFail() throws {
        expectOneErrorLine(try mergeServer("mock", directory.file("no/such/dir/out.mp4")), containing: "does not exist")
        expectOneErrorLine(try mergeServer("mock", directory.file("out.avi")), containing: ".mp4")
        expectOneErrorLine(try mergeServer("mock", directory.file("out.webm"), "--video-codec", "h264"), containing: "vp9")
        expectOneErrorLine(try mergeServer("mock"), containing: "output")
        #expect(directory.contents().isEmpty)
    }

    @Test(arguments: ["broken/empty.mp4", "broken/truncated.mp4", "broken/truncated_faststart.mp4", "broken/random.mp4",
                      "broken/text.mp4", "missing.mp4"])
    func probeOfBrokenFilesFailsCleanly(fixture: String) throws {
        let result = try mergeServer("probe", Paths.fixture(fixture))
        expectOneErrorLine(result, containing: fixture)
        #expect(result.stdout.isEmpty)
    }

    @Test func probeWithOneBadFileAmongGoodOnesPrintsNothing() throws {
        let result = try mergeServer("probe", Paths.fixture("clip_640x480_25.mp4"), Paths.fixture("broken/empty.mp4"))
        expectOneErrorLine(result, containing: "empty")
        #expect(result.stdout.isEmpty)
    }

    @Test func helpSucceeds() throws {
        let result = try mergeServer("mock", "--help")
        #expect(result.status == 0)
        #expect(result.stdout.contains("--pattern"))
    }

    @Test func interruptRemovesThePartialFile() throws {
        let path = directory.file("long.mp4")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.mergeServer)
        process.arguments = ["mock", path, "--duration", "600", "--size", "640x360"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until it has started writing, then interrupt it like Ctrl-C would.
        let deadline = Date().addingTimeInterval(20)
        while directory.contents().isEmpty, Date() < deadline { usleep(20_000) }
        #expect(!directory.contents().isEmpty, "the writer started")
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(directory.contents().isEmpty, "left behind: \(directory.contents())")
    }

    private func expectOneErrorLine(_ result: ProcessResult, containing words: String,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0, sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("error: ") == true, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(words), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("crashed"), sourceLocation: sourceLocation)
    }
}
