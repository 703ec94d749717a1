import Foundation
import Generation
import TestSupport
import Testing

/// The mock video provider's clips, checked with ffprobe/ffmpeg/sha256sum as independent oracles.
@Suite struct MockVideoProviderTests {
    let directory: TemporaryDirectory
    let provider = MockVideoProvider(executor: .tests)

    init() throws { directory = try TemporaryDirectory() }

    static let model = CatalogModel(
        id: "mock-video", provider: "mock", path: "mock-video", kind: .video,
        durations: [5, 10], aspectRatios: ["16:9", "9:16", "1:1"], resolutions: ["720p"])

    func request(
        _ prompt: String = "a red fox running through snow", duration: Double = 0.5, aspectRatio: String = "16:9",
        resolution: String? = nil, seed: Int? = nil
    ) -> VideoGenerationRequest {
        VideoGenerationRequest(
            prompt: prompt, model: Self.model, duration: duration, aspectRatio: aspectRatio,
            resolution: resolution, seed: seed)
    }

    func generate(
        _ request: VideoGenerationRequest, in subdirectory: String = "work",
        progress: @escaping GenerationProgress = { _, _ in }
    ) async throws -> GeneratedFile {
        try await provider.generateVideo(
            request,
            context: GenerationContext(
                workDirectory: directory.file(subdirectory),
                progress: progress))
    }

    @Test(arguments: [1.0, 2.5, 5.0])
    func clipHasTheRequestedDurationAndSound(duration: Double) async throws {
        let result = try await generate(request(duration: duration))

        let report = try Oracle.probe(result.file.path, countFrames: true)
        let video = try #require(report.video)
        #expect(video.codec_name == "h264" && video.pix_fmt == "yuv420p")
        #expect(video.width == 1280 && video.height == 720)
        #expect(Oracle.rate(video.r_frame_rate) == 30)
        #expect(abs((Double(video.duration ?? "") ?? 0) - duration) <= 1.0 / 30 + 1e-6)
        #expect(video.nb_read_frames == String(Int((duration * 30).rounded(.up))))
        let audio = try #require(report.audio, "the clip has a sound track")
        #expect(audio.codec_name == "aac")
        #expect(abs((Double(audio.duration ?? "") ?? 0) - duration) <= 1.0 / 30 + 1e-6)
        #expect(try Oracle.volume(result.file.path).max > -30, "the tone is audible")
        #expect(report.format.format_name.contains("mp4"))
    }

    @Test func resultDescribesTheFile() async throws {
        let result = try await generate(request())
        #expect(result.isMock)
        #expect(result.file.contentType == "video/mp4")
        #expect(result.file.status == 200)
        #expect(result.file.path.hasPrefix(directory.file("work") + "/") && result.file.path.hasSuffix(".mp4"))
        let jobID = try #require(result.providerJobID)
        #expect(jobID.hasPrefix("mock-") && jobID.count == 21)
        let attributes = try FileManager.default.attributesOfItem(atPath: result.file.path)
        #expect((attributes[.size] as? NSNumber)?.int64Value == result.file.sizeBytes)
        #expect(result.file.sha256 == (try Oracle.sha256(result.file.path)))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.file("work")) == [jobID + ".mp4"],
            "only the clip is left in the work directory")
    }

    @Test(arguments: [
        ("16:9", nil as String?, 1280, 720), ("16:9", "720p", 1280, 720), ("16:9", "1080p", 1920, 1080),
        ("9:16", nil, 720, 1280), ("9:16", "1080p", 1080, 1920), ("1:1", nil, 720, 720), ("1:1", "512p", 512, 512),
        ("4:3", "720p", 960, 720), ("3:4", "720p", 720, 960), ("16:9", "512p", 910, 512), ("16:9", "768p", 1366, 768),
        ("16:9", "480p", 854, 480), ("21:9", "720p", 1680, 720),
    ])
    func aspectRatioAndResolutionGiveTheSize(aspectRatio: String, resolution: String?, width: Int, height: Int) async throws {
        let result = try await generate(request(duration: 0.1, aspectRatio: aspectRatio, resolution: resolution))
        let video = try #require(try Oracle.probe(result.file.path).video)
        #expect(video.width == width && video.height == height)
        #expect(try MockFrameSize(aspectRatio: aspectRatio, resolution: resolution) == MockFrameSize(width: width, height: height))
    }

    @Test func samePromptSameClipOtherPromptOtherClip() async throws {
        let first = try await generate(request("a lighthouse in a storm"), in: "a")
        let again = try await generate(request("a lighthouse in a storm"), in: "b")
        let other = try await generate(request("a lighthouse in a storm at dawn"), in: "c")

        #expect(first.file.sha256 == again.file.sha256)
        #expect(first.providerJobID == again.providerJobID)
        #expect(try Oracle.videoFrameHashes(first.file.path) == (try Oracle.videoFrameHashes(again.file.path)))
        #expect(first.file.sha256 != other.file.sha256)
        #expect(first.providerJobID != other.providerJobID)
        let difference = Oracle.meanAbsoluteDifference(
            try Oracle.frameRGB(first.file.path, at: 0.25),
            try Oracle.frameRGB(other.file.path, at: 0.25))
        #expect(difference > 10, "visibly different: mean difference \(difference) of 255")
    }

    @Test func seedChangesTheClip() async throws {
        let plain = try await generate(request(seed: nil), in: "a")
        let seeded = try await generate(request(seed: 7), in: "b")
        let seededAgain = try await generate(request(seed: 7), in: "c")
        #expect(plain.file.sha256 != seeded.file.sha256)
        #expect(seeded.file.sha256 == seededAgain.file.sha256)
    }

    @Test(arguments: ["16:9", "9:16", "1:1"])
    func hostilePromptRenders(aspectRatio: String) async throws {
        let prompt =
            "It's 100%: \"quoted\" {brace} [a,b]; c\\d %{pts} \n\n second paragraph\ttab \u{0} 🎬👩‍👩‍👧 日本語 "
            + String(repeating: "a very long prompt ", count: 300)
        let result = try await generate(request(prompt, duration: 0.2, aspectRatio: aspectRatio))
        let video = try #require(try Oracle.probe(result.file.path, countFrames: true).video)
        #expect(video.nb_read_frames == "6")
    }

    @Test func emptyPromptStillRenders() async throws {
        let result = try await generate(request("", duration: 0.2))
        #expect(try Oracle.probe(result.file.path).video?.width == 1280)
    }

    @Test func progressRisesToOne() async throws {
        let recorder = ProgressLog()
        _ = try await generate(request(duration: 2), progress: recorder.record)
        let values = recorder.values
        #expect(values.allSatisfy { $0.stage == "generating" })
        let fractions = values.compactMap(\.fraction)
        #expect(fractions.first == 0)
        #expect(fractions.last == 1)
        #expect(fractions == fractions.sorted())
    }

    @Test func cancellationStopsAndLeavesNoFile() async throws {
        let recorder = ProgressLog()
        let work = directory.file("work")
        let long = request(duration: 600)
        let task = Task { try await generate(long, progress: recorder.record) }
        // Cancel once the synthesis is under way (no wall-clock assertions: the machine may be busy).
        do {
            try await waitUntil { recorder.values.contains(where: { ($0.fraction ?? 0) > 0 }) }
        } catch {
            task.cancel()
            throw error
        }
        let atCancel = recorder.values.last?.fraction ?? 0
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect((recorder.values.last?.fraction ?? 1) - atCancel < 0.1, "stopped soon after the cancel")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work).isEmpty, "no clip and no temporary file")
    }

    @Test(arguments: [("16x", nil as String?), ("0:1", nil), ("banana", nil), ("16:9", "huge"), ("16:9", "9000p"), ("100:1", nil)])
    func badShapesAreValidationErrors(aspectRatio: String, resolution: String?) async throws {
        let error = try await #require(throws: ProviderError.self) {
            try await generate(request(aspectRatio: aspectRatio, resolution: resolution))
        }
        #expect(error.kind == .validation && error.provider == "mock")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: directory.file("work"))) ?? []
        #expect(left.isEmpty)
    }

    @Test(arguments: [0.0, -1, .nan, .infinity])
    func badDurationsAreValidationErrors(duration: Double) async throws {
        let error = try await #require(throws: ProviderError.self) { try await generate(request(duration: duration)) }
        #expect(error.kind == .validation)
    }
}
