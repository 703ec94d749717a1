import CFFmpeg
import Foundation
import Synchronization

/// Renders a timeline into one file: clip after clip through one video encoder and
/// one audio encoder, each on its own thread, into one muxer; written to a temporary
/// file and renamed into place when complete.
public enum TimelineRenderer {
    /// Renders `plan` to `path`. Blocking: call it from a dedicated thread, or use the async overload.
    public static func render(
        _ plan: RenderPlan, to path: String, progress: ProgressHandler? = nil,
        cancellation: CancellationFlag? = nil
    ) throws(MediaError) -> RenderResult {
        // Inputs opened on this thread (and the producers') stop with the render.
        try CurrentCancellation.with(cancellation) { () throws(MediaError) in
            try renderPlan(plan, to: path, progress: progress, cancellation: cancellation)
        }
    }

    private static func renderPlan(
        _ plan: RenderPlan, to path: String, progress: ProgressHandler?,
        cancellation: CancellationFlag?
    ) throws(MediaError) -> RenderResult {
        let started = ContinuousClock.now
        let output = try openOutput(path, for: plan)

        let copy = VideoCopy.compatibleStream(for: plan)
        let videoStream: UnsafeMutablePointer<AVStream>
        let videoTimeBase: AVRational
        var videoEncoder: StreamEncoder?
        if let copy {
            videoStream = try output.addStream(copying: copy.parameters, timeBase: copy.timeBase, frameRate: plan.frameRate.rational)
            videoTimeBase = copy.timeBase
        } else {
            let encoder = try makeVideoEncoder(for: plan, output: output)
            videoStream = try output.addStream(for: encoder)
            videoTimeBase = encoder.timeBase
            videoEncoder = encoder
        }
        let audioEncoder = try StreamEncoder(
            audio: plan.audioCodec, bitRate: Int64(plan.audioBitrate),
            globalHeader: output.needsGlobalHeader)
        let audioStream = try output.addStream(for: audioEncoder)
        let subtitles = try SubtitleTrack.add(for: plan, to: output)
        try output.writeHeader()
        try subtitles?.write(to: output)

        // The loudness measurement runs on the audio thread while video encoding starts;
        // the video queue is deep enough to keep the encoder busy meanwhile.
        let measurementBox = MeasurementBox()
        let audio = ProducedStream(
            stream: audioStream, timeBase: audioEncoder.timeBase,
            producer: PacketProducer(name: "render-audio", capacity: 64, cancellation: cancellation, handingOver: audioEncoder) {
                encoder, output throws(MediaError) in
                let measurement = try AudioComposer.measure(plan) { output.isCancelled }
                measurementBox.set(measurement)
                try AudioComposer.encode(plan, measurement: measurement, with: encoder, to: output)
            })
        let video = ProducedStream(
            stream: videoStream, timeBase: videoTimeBase,
            producer: PacketProducer(name: "render-video", capacity: 512, cancellation: cancellation, handingOver: videoEncoder) {
                encoder, output throws(MediaError) in
                if let encoder {
                    try VideoComposer.encode(plan, with: encoder, to: output)
                } else {
                    try VideoCopy.copyPackets(plan, timeBase: videoTimeBase, to: output)
                }
            })

        var reporter = ProgressReporter(progress, stage: "rendering")
        try StreamInterleaver.run(
            video: video, audio: audio, into: output, duration: plan.duration,
            reporter: &reporter, cancellation: cancellation)
        try output.finish()
        reporter.report(1, force: true)

        let measurement = measurementBox.value
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        return RenderResult(
            path: path, duration: plan.duration, frames: plan.totalFrames, width: plan.width,
            height: plan.height, fps: plan.frameRate.value, sizeBytes: size, cuts: plan.cutTimes, beats: plan.beatGrid,
            measuredLoudness: measurement?.loudness.isFinite == true ? measurement?.loudness : nil,
            loudnessGain: measurement?.gain, videoCopied: copy != nil,
            elapsedSeconds: (ContinuousClock.now - started).seconds, extras: plan.extras)
    }

    /// The output file, in the container the plan was made for.
    static func openOutput(_ path: String, for plan: RenderPlan) throws(MediaError) -> OutputContainer {
        let container = try ContainerFormat(forPath: path)
        guard container == plan.container else {
            throw MediaError(
                .invalidArgument, "the output \(path) is .\(container.rawValue) but the timeline asks for \(plan.container.rawValue)", path: path)
        }
        return try OutputContainer(path: path, format: container)
    }

    /// The one video encoder configuration of a plan: a whole render and every chunk of it
    /// encode with exactly these settings, so chunks join by stream copy.
    static func makeVideoEncoder(for plan: RenderPlan, output: OutputContainer) throws(MediaError) -> StreamEncoder {
        try StreamEncoder(video: videoEncoderSettings(for: plan), globalHeader: output.needsGlobalHeader)
    }

    static func videoEncoderSettings(for plan: RenderPlan) -> VideoEncoderSettings {
        VideoEncoderSettings(
            codec: plan.videoCodec, width: Int32(plan.width), height: Int32(plan.height),
            frameRate: plan.frameRate, crf: plan.crf, preset: plan.preset)
    }

    /// Plans and renders on `executor`; cancelling the task stops it and removes the partial file.
    public static func render(
        _ timeline: Timeline, to path: String, on executor: MediaExecutor,
        resolve: @escaping @Sendable (String) throws(MediaError) -> String = { $0 },
        probe: @escaping @Sendable (String) throws(MediaError) -> MediaInfo = MediaProbe.probe,
        progress: ProgressHandler? = nil
    ) async throws(MediaError) -> RenderResult {
        try await executor.run("render") { flag throws(MediaError) in
            progress?(MediaProgress(fraction: 0, stage: timeline.beatSync.map { $0.mode != .off } == true ? "analyzing" : "planning"))
            let plan = try TimelinePlanner.plan(timeline, outputPath: path, resolve: resolve, probe: probe)
            return try render(plan, to: path, progress: progress, cancellation: flag)
        }
    }
}

/// The audio thread's loudness measurement, read by the caller after the render.
final class MeasurementBox: Sendable {
    private let measurement = Mutex<AudioComposer.Measurement?>(nil)

    func set(_ value: AudioComposer.Measurement?) { measurement.withLock { $0 = value } }
    var value: AudioComposer.Measurement? { measurement.withLock { $0 } }
}
