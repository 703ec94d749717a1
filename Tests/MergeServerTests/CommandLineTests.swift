import Foundation
import TestSupport
import Testing

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
        let mock = try mergeServer(
            "mock", path, "--duration", "1.5", "--size", "480x270", "--fps", "25",
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
        (["--image", "/nonexistent/start.png"], "start.png"),
        (["--image", Paths.fixture("song_120bpm.m4a")], "no picture"),
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

    @Test(arguments: [
        "broken/empty.mp4", "broken/truncated.mp4", "broken/truncated_faststart.mp4", "broken/random.mp4",
        "broken/text.mp4", "missing.mp4",
    ])
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
        let deadline = Date().addingTimeInterval(120)  // a safety bound, not a speed check
        while directory.contents().isEmpty, Date() < deadline { usleep(20_000) }
        #expect(!directory.contents().isEmpty, "the writer started")
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(directory.contents().isEmpty, "left behind: \(directory.contents())")
    }

    private func expectOneErrorLine(
        _ result: ProcessResult, containing words: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status != 0, sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("error: ") == true, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(words), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("crashed"), sourceLocation: sourceLocation)
    }
}

/// `merge-server render` from the command line.
@Suite struct RenderCommandTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    @Test func clipsAndFlagsRenderWithJSONProgress() throws {
        let output = directory.file("out.mp4")
        let result = try ProcessRunner.run(
            Paths.mergeServer,
            [
                "render", "--output", output, Paths.fixture("clip_1280x720_30.mp4"), Paths.fixture("clip_640x480_25.mp4"),
                "--transition", "fade:0.4", "--size", "640x360", "--fps", "25", "--audio", Paths.fixture("song_120bpm.m4a"),
                "--loudness", "-16", "--json-progress",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.dropLast().allSatisfy { $0.contains("\"event\":\"progress\"") })
        let done = try #require(try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Any])
        let body = try #require(done["result"] as? [String: Any])
        #expect(body["cuts"] as? [Double] == [1.8])
        #expect(body["frames"] as? Int == 90)
        let video = try #require(try Oracle.probe(output).video)
        #expect(video.width == 640 && video.height == 360)
        #expect(abs(try Oracle.loudness(output).integrated + 16) <= 1)
    }

    @Test func timelineFileWithRelativeSources() throws {
        let timeline = directory.file("timeline.json")
        try FileManager.default.copyItem(atPath: Paths.fixture("clip_640x480_25.mp4"), toPath: directory.file("a.mp4"))
        try Data(
            #"{"clips": [{"source": "a.mp4", "in": 0.5}, {"source": "a.mp4"}], "transition": {"type": "wipeleft", "duration": 0.4}, "timing": "preserve"}"#
                .utf8
        )
        .write(to: URL(fileURLWithPath: timeline))
        let output = directory.file("out.webm")
        let result = try ProcessRunner.run(Paths.mergeServer, ["render", "--timeline", timeline, "-o", output, "--json-progress"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Oracle.probe(output, countFrames: true)
        #expect(report.video?.codec_name == "vp9" && report.audio?.codec_name == "opus")
        #expect(report.video?.nb_read_frames == "88", "preserve keeps 1.5 + 2 s at 25 fps")
    }

    static let failures: [([String], String)] = [
        (["--timeline", "/nonexistent/timeline.json"], "cannot read the timeline"),
        (["--timeline", Paths.fixture("broken/text.mp4")], "malformed JSON"),
        ([Paths.fixture("clip_640x480_25.mp4"), Paths.fixture("broken/truncated.mp4")], "clips[1].source"),
        ([Paths.fixture("audio_only.mp4")], "no video stream"),
        ([Paths.fixture("clip_640x480_25.mp4"), Paths.fixture("clip_640x480_25.mp4"), "--transition", "sparkle:0.5"], "transition.type"),
        ([Paths.fixture("clip_640x480_25.mp4"), "--size", "641x360"], "output.width"),
        ([Paths.fixture("clip_640x480_25.mp4"), "--loudness", "-2"], "audio.loudness"),
        ([], "clips"),
    ]

    @Test(arguments: 0..<failures.count)
    func badRequestsFailWithOneLineAndNoFile(index: Int) throws {
        let (arguments, words) = Self.failures[index]
        let result = try ProcessRunner.run(Paths.mergeServer, ["render", "-o", directory.file("out.mp4")] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: ") && result.stderr.contains(words), "\(result.stderr)")
        #expect(directory.contents().isEmpty)
    }

    @Test func malformedTimelineNamesTheField() throws {
        let timeline = directory.file("t.json")
        try Data(#"{"clips": [{"source": "a.mp4", "in": "zero"}]}"#.utf8).write(to: URL(fileURLWithPath: timeline))
        let result = try ProcessRunner.run(Paths.mergeServer, ["render", "--timeline", timeline, "-o", directory.file("o.mp4")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("clips[0].in must be a number"), "\(result.stderr)")
    }
}
