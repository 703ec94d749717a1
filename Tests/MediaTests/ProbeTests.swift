import Foundation
import Media
import TestSupport
import Testing

/// `MediaProbe` must agree with ffprobe on every fixture.
@Suite struct ProbeTests {
    static let mediaFixtures = [
        "clip_1280x720_30.mp4", "clip_640x480_25.mp4", "clip_720x1280_60.mp4", "clip_480x480_24_noaudio.mp4",
        "clip_854x480_2997.mov", "clip_640x360_24_hevc.mkv", "clip_320x240_25_life.mkv", "clip_640x360_30_vp9.webm",
        "clip_vfr.mp4", "clip_rotated.mp4", "clip_anamorphic.mp4", "audio_only.mp4", "song_120bpm.m4a",
    ]

    @Test(arguments: mediaFixtures)
    func agreesWithFFprobe(fixture: String) throws {
        let path = Paths.fixture(fixture)
        let ours = try MediaProbe.probe(path)
        let theirs = try Oracle.probe(path)

        #expect(ours.format == theirs.format.format_name)
        #expect(ours.sizeBytes == Int64(theirs.format.size))
        #expect(ours.bitRate == theirs.format.bit_rate.flatMap { Int64($0) })
        if let duration = theirs.format.duration.flatMap(Double.init) {
            #expect(abs((ours.duration ?? -1) - duration) < 0.001)
        }

        #expect((ours.video == nil) == (theirs.video == nil))
        if let video = ours.video, let reference = theirs.video {
            #expect(video.codec == reference.codec_name)
            #expect(video.profile == reference.profile)
            #expect(video.width == reference.width && video.height == reference.height)
            #expect(video.pixFmt == reference.pix_fmt)
            #expect(video.fps == Oracle.rate(reference.r_frame_rate))
            #expect(video.avgFps == Oracle.rate(reference.avg_frame_rate))
            #expect(video.frames == reference.nb_frames.flatMap { Int64($0) })
            if let streamDuration = reference.duration.flatMap(Double.init) {
                #expect(abs((video.duration ?? -1) - streamDuration) < 0.001)
            } else {
                #expect(video.duration != nil, "Matroska's DURATION tag stands in")
            }
            let referenceSAR = reference.sample_aspect_ratio.flatMap { $0 == "0:1" ? nil : $0 } ?? "1:1"
            #expect(video.sar == referenceSAR)
            // ffprobe prints the display matrix's counter-clockwise angle; we report the clockwise turn.
            let counterClockwise = reference.side_data_list?.first { $0.side_data_type == "Display Matrix" }?.rotation ?? 0
            #expect(video.rotation == ((-counterClockwise % 360) + 360) % 360)
        }

        #expect((ours.audio == nil) == (theirs.audio == nil))
        if let audio = ours.audio, let reference = theirs.audio {
            #expect(audio.codec == reference.codec_name)
            #expect(String(audio.sampleRate) == reference.sample_rate)
            #expect(audio.channels == reference.channels)
            #expect(audio.layout == reference.channel_layout)
        }
    }

    @Test func variableFrameRateIsDetected() throws {
        #expect(try MediaProbe.probe(Paths.fixture("clip_vfr.mp4")).video?.vfr == true)
        for fixture in Self.mediaFixtures where fixture != "clip_vfr.mp4" {
            #expect(try MediaProbe.probe(Paths.fixture(fixture)).video?.vfr ?? false == false, "\(fixture)")
        }
    }

    @Test func rotationSwapsTheDisplaySize() throws {
        let video = try #require(try MediaProbe.probe(Paths.fixture("clip_rotated.mp4")).video)
        #expect(video.rotation == 90)
        #expect(video.width == 640 && video.height == 360)
        #expect(video.displayWidth == 360 && video.displayHeight == 640)
    }

    @Test func sampleAspectRatioWidensTheDisplaySize() throws {
        let video = try #require(try MediaProbe.probe(Paths.fixture("clip_anamorphic.mp4")).video)
        #expect(video.sar == "4:3")
        #expect(video.displayWidth == 640 && video.displayHeight == 360)
    }

    @Test func audioOnlyFileHasNoVideo() throws {
        let info = try MediaProbe.probe(Paths.fixture("audio_only.mp4"))
        #expect(info.video == nil && info.audio?.codec == "aac")
        let error = #expect(throws: MediaError.self) { try info.requireVideo() }
        #expect(error?.kind == .noVideoStream)
        #expect(error?.message.contains("audio only") == true)
    }

    @Test func silentClipHasNoAudio() throws {
        let info = try MediaProbe.probe(Paths.fixture("clip_480x480_24_noaudio.mp4"))
        let error = #expect(throws: MediaError.self) { try info.requireAudio() }
        #expect(error?.kind == .noAudioStream)
    }

    @Test func aWebmWithoutDurationIsMeasured() throws {
        // Browsers' MediaRecorder writes webm with no duration (ffmpeg's `-live 1` does the same).
        let directory = try TemporaryDirectory()
        let live = directory.file("live.webm")
        let remux = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "error", "-nostdin", "-i", Paths.fixture("clip_640x360_30_vp9.webm"),
                "-c", "copy", "-live", "1", "-f", "webm", live,
            ])
        #expect(remux.status == 0, "\(remux.stderr)")
        #expect(try Oracle.probe(live).format.duration == nil, "ffprobe sees no duration")
        let info = try MediaProbe.probe(live)
        let duration = try #require(info.duration)
        #expect(abs(duration - 2) < 0.05, "measured \(duration) s")
        let video = try #require(info.video?.duration)
        #expect(abs(video - 2) < 0.05, "video measured \(video) s")
    }

    @Test func jsonHasEveryContractFieldAndNulls() throws {
        let info = try MediaProbe.probe(Paths.fixture("clip_480x480_24_noaudio.mp4"))
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(info)) as? [String: Any])
        #expect(Set(object.keys) == ["path", "format", "duration", "size_bytes", "bit_rate", "video", "audio"])
        #expect(object["audio"] is NSNull)
        let video = try #require(object["video"] as? [String: Any])
        #expect(
            Set(video.keys) == [
                "codec", "profile", "width", "height", "display_width", "display_height", "rotation",
                "sar", "fps", "avg_fps", "vfr", "pix_fmt", "frames", "duration",
            ])
    }

    @Test(arguments: [
        ("broken/empty.mp4", MediaError.Kind.emptyFile, "empty"),
        ("broken/truncated.mp4", .truncated, "truncated"),
        ("broken/truncated_faststart.mp4", .truncated, "truncated"),
        ("broken/random.mp4", .notMedia, "not a media file"),
        ("broken/text.mp4", .notMedia, "not a media file"),
        ("does-not-exist.mp4", .fileNotFound, "no such file"),
        ("broken", .notMedia, "directory"),
    ])
    func brokenInputsAreRejectedClearly(fixture: String, kind: MediaError.Kind, words: String) throws {
        let path = Paths.fixture(fixture)
        let error = #expect(throws: MediaError.self) { try MediaProbe.probe(path) }
        #expect(error?.kind == kind, "\(fixture): \(error?.description ?? "")")
        #expect(error?.message.contains(words) == true, "\(fixture): \(error?.message ?? "")")
        #expect(error?.path == path)
    }
}
