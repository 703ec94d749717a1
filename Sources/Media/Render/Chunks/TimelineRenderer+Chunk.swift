import CFFmpeg
import Foundation

extension TimelineRenderer {
    /// Renders one chunk's video, and no sound, to `path`: exactly its frames, encoded with
    /// the settings of a whole render, starting on a keyframe (a fresh encoder) and stamped
    /// with their frame numbers in the whole render, so chunks join by stream copy.
    /// Blocking: run it on a `MediaExecutor`.
    public static func renderChunk(
        _ chunk: ChunkPlan.Chunk, of chunkPlan: ChunkPlan, to path: String, progress: ProgressHandler? = nil,
        cancellation: CancellationFlag? = nil
    ) throws(MediaError) -> ChunkVideoRender {
        let plan = chunkPlan.plan
        guard chunkPlan.chunks.indices.contains(chunk.index), chunkPlan.chunks[chunk.index] == chunk else {
            throw MediaError(.invalidArgument, "chunk \(chunk.index) is not a chunk of this plan; take it from the plan's chunks")
        }
        return try CurrentCancellation.with(cancellation) { () throws(MediaError) in
            let started = ContinuousClock.now
            let output = try openOutput(path, for: plan)
            let encoder = try makeVideoEncoder(for: plan, output: output)
            // The frames around the chunk give its encoder the history and lookahead a one-pass encoder
            // has: a keyframe's quantizer follows the P-frames' of the last few seconds (x264 decays it by
            // 0.95 a frame), so the history is a keyframe interval, or the lookahead if that is longer.
            let settings = videoEncoderSettings(for: plan)
            let lookahead = settings.lookaheadFrames
            let history = max(lookahead, VideoEncoderSettings.keyframeInterval(plan.frameRate))
            let encoded = VideoFrameRange.widened(chunk.frames, history: history, lookahead: lookahead, in: plan)
            let stream = try output.addStream(for: encoder)
            let timeBase = encoder.timeBase
            try output.writeHeader()
            let video = ProducedStream(
                stream: stream, timeBase: timeBase,
                producer: PacketProducer(name: "render-chunk-\(chunk.index)", capacity: 512, cancellation: cancellation, handingOver: encoder) {
                    encoder, output throws(MediaError) in
                    try VideoComposer.encode(plan, frames: encoded, keeping: chunk.frames, with: encoder, to: output)
                })
            var reporter = ProgressReporter(progress, stage: "rendering chunk \(chunk.index)")
            let rate = plan.frameRate.value
            try StreamInterleaver.run(
                video: video, audio: nil, into: output, duration: Double(chunk.frameCount) / rate,
                start: Double(chunk.startFrame) / rate, reporter: &reporter, cancellation: cancellation)
            try output.finish()
            reporter.report(1, force: true)
            return ChunkVideoRender(
                path: path, index: chunk.index, startFrame: chunk.startFrame, endFrame: chunk.endFrame, sizeBytes: fileSize(path),
                elapsedSeconds: (ContinuousClock.now - started).seconds)
        }
    }

    /// Renders the whole timeline's sound once, and no picture, to `path`: the same mix,
    /// fades and loudness normalization a one-pass render makes, so a chunked render has
    /// no seams in its sound. Blocking: run it on a `MediaExecutor`.
    public static func renderSoundtrack(
        _ plan: RenderPlan, to path: String, progress: ProgressHandler? = nil,
        cancellation: CancellationFlag? = nil
    ) throws(MediaError) -> SoundtrackRender {
        try CurrentCancellation.with(cancellation) { () throws(MediaError) in
            let started = ContinuousClock.now
            let output = try openOutput(path, for: plan)
            let encoder = try StreamEncoder(audio: plan.audioCodec, bitRate: Int64(plan.audioBitrate), globalHeader: output.needsGlobalHeader)
            let stream = try output.addStream(for: encoder)
            let timeBase = encoder.timeBase
            try output.writeHeader()
            let measurementBox = MeasurementBox()
            let producer = PacketProducer(name: "render-audio", capacity: 64, cancellation: cancellation, handingOver: encoder) {
                encoder, output throws(MediaError) in
                let measurement = try AudioComposer.measure(plan) { output.isCancelled }
                measurementBox.set(measurement)
                try AudioComposer.encode(plan, measurement: measurement, with: encoder, to: output)
            }
            var reporter = ProgressReporter(progress, stage: "rendering audio")
            let packet = try Packet()
            do throws(MediaError) {
                while try producer.next(into: packet) {
                    if cancellation?.isCancelled == true { throw MediaError.cancelled(path) }
                    reporter.report(Double(packet.pointer.pointee.pts) * av_q2d(timeBase) / plan.duration)
                    try output.write(packet, from: timeBase, to: stream)
                }
            } catch {
                if cancellation?.isCancelled == true { throw MediaError.cancelled(path) }
                throw error
            }
            try output.finish()
            reporter.report(1, force: true)
            let measurement = measurementBox.value
            return SoundtrackRender(
                path: path, measuredLoudness: measurement?.loudness.isFinite == true ? measurement?.loudness : nil,
                loudnessGain: measurement?.gain, sizeBytes: fileSize(path), elapsedSeconds: (ContinuousClock.now - started).seconds)
        }
    }

    static func fileSize(_ path: String) -> Int64 {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
    }
}
