import CFFmpeg
import Foundation

/// Puts a chunked render together: the chunks' video packets one after another by stream
/// copy (no re-encoding), and the sound rendered once for the whole timeline, into one
/// file with the frame count and duration of a one-pass render.
public enum ChunkJoiner {
    /// Joins `chunks` (one file per chunk of `chunkPlan`, in order) and `soundtrack` into
    /// `path`, written to a temporary name and renamed when complete. Blocking.
    public static func join(
        _ chunkPlan: ChunkPlan, chunks: [String], soundtrack: SoundtrackRender, to path: String,
        progress: ProgressHandler? = nil, cancellation: CancellationFlag? = nil
    ) throws(MediaError) -> RenderResult {
        let plan = chunkPlan.plan
        guard chunks.count == chunkPlan.chunks.count else {
            throw MediaError(
                .invalidArgument, "\(chunks.count) chunk files for a plan of \(chunkPlan.chunks.count) chunks; give one per chunk, in order")
        }
        return try CurrentCancellation.with(cancellation) { () throws(MediaError) in
            let started = ContinuousClock.now
            let output = try TimelineRenderer.openOutput(path, for: plan)
            let (parameters, videoTimeBase) = try commonVideoStream(of: chunks)
            let videoStream = try output.addStream(copying: parameters, timeBase: videoTimeBase, frameRate: plan.frameRate.rational)

            let audioInput = try InputContainer(path: soundtrack.path)
            guard let audioSource = audioInput.bestStream(AVMEDIA_TYPE_AUDIO) else {
                throw MediaError(
                    .noAudioStream, "the soundtrack \(soundtrack.path) has no audio stream; render it with renderSoundtrack", path: soundtrack.path)
            }
            let audioTimeBase = audioSource.pointee.time_base
            let audioStream = try output.addStream(
                copying: try CopiedParameters(audioSource.pointee.codecpar), timeBase: audioTimeBase, frameRate: AVRational(num: 0, den: 1))
            let subtitles = try SubtitleTrack.add(for: plan, to: output)
            try output.writeHeader()
            try subtitles?.write(to: output)

            let sources = chunkPlan.chunks.map { chunk in
                VideoCopy.Source(
                    path: chunks[chunk.index], name: "chunk \(chunk.index)", startFrame: chunk.startFrame, expectedFrames: chunk.frameCount)
            }
            let video = ProducedStream(
                stream: videoStream, timeBase: videoTimeBase,
                producer: PacketProducer(name: "join-video", capacity: 512, cancellation: cancellation, handingOver: ()) {
                    _, output throws(MediaError) in
                    try VideoCopy.copyPackets(sources, frameRate: plan.frameRate, timeBase: videoTimeBase, to: output)
                })
            let audioIndex = audioSource.pointee.index
            let audio = ProducedStream(
                stream: audioStream, timeBase: audioTimeBase,
                producer: PacketProducer(name: "join-audio", capacity: 256, cancellation: cancellation, handingOver: audioInput) {
                    input, output throws(MediaError) in
                    let packet = try Packet()
                    while try input.read(into: packet) {
                        if output.isCancelled { throw MediaError.cancelled() }
                        guard packet.pointer.pointee.stream_index == audioIndex else {
                            packet.unref()
                            continue
                        }
                        packet.pointer.pointee.pos = -1
                        try output.push(packet)
                    }
                })
            var reporter = ProgressReporter(progress, stage: "joining")
            try StreamInterleaver.run(
                video: video, audio: audio, into: output, duration: plan.duration, reporter: &reporter, cancellation: cancellation)
            try output.finish()
            reporter.report(1, force: true)
            return RenderResult(
                path: path, duration: plan.duration, frames: plan.totalFrames, width: plan.width, height: plan.height,
                fps: plan.frameRate.value, sizeBytes: TimelineRenderer.fileSize(path), cuts: plan.cutTimes, beats: plan.beatGrid,
                measuredLoudness: soundtrack.measuredLoudness, loudnessGain: soundtrack.loudnessGain, videoCopied: false,
                elapsedSeconds: (ContinuousClock.now - started).seconds, chunks: chunkPlan.chunks.count, extras: plan.extras)
        }
    }

    /// The codec parameters and time base every chunk shares; chunks encoded with other
    /// settings (another build, another plan) have other codec headers and cannot share a track.
    private static func commonVideoStream(of chunks: [String]) throws(MediaError) -> (CopiedParameters, AVRational) {
        var reference: (parameters: CopiedParameters, timeBase: AVRational)?
        for (index, path) in chunks.enumerated() {
            let input = try InputContainer(path: path)
            guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
                throw MediaError(.noVideoStream, "chunk \(index) (\(path)) has no video stream; render it with renderChunk", path: path)
            }
            let parameters = try CopiedParameters(stream.pointee.codecpar)
            guard let reference else {
                reference = (parameters, stream.pointee.time_base)
                continue
            }
            guard parameters.pointer.pointee.codec_id == reference.parameters.pointer.pointee.codec_id,
                parameters.pointer.pointee.width == reference.parameters.pointer.pointee.width,
                parameters.pointer.pointee.height == reference.parameters.pointer.pointee.height,
                parameters.extradata == reference.parameters.extradata,
                av_cmp_q(stream.pointee.time_base, reference.timeBase) == 0
            else {
                throw MediaError(
                    .invalidArgument,
                    "chunk \(index) (\(path)) was encoded differently from chunk 0 (codec, size, headers or time base); "
                        + "render every chunk from the same plan with the same build", path: path)
            }
        }
        guard let reference else { throw MediaError(.invalidArgument, "no chunks to join") }
        return reference
    }
}
