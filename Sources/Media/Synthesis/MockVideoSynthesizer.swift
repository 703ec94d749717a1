import CFFmpeg
import Foundation

/// Writes mock (test-pattern) clips in-process: libavfilter draws the frames and the
/// tone, libavcodec encodes, libavformat muxes into a temporary file that is renamed
/// into place only when complete. Video and audio are each made on their own thread;
/// this thread only interleaves and writes.
public enum MockVideoSynthesizer {
    /// Writes `spec` to `path` (container from the extension). Blocking: call it from a
    /// thread of its own, or use the async overload.
    public static func write(
        _ spec: MockVideoSpec, to path: String,
        progress: ProgressHandler? = nil,
        cancellation: CancellationFlag? = nil
    ) throws(MediaError) {
        let container = try ContainerFormat(forPath: path)
        let problems = spec.problems(for: container)
        guard problems.isEmpty else {
            throw MediaError(.invalidArgument, problems.joined(separator: "; "), path: path)
        }
        let output = try OutputContainer(path: path, format: container)

        let videoEncoder = try StreamEncoder(
            video: VideoEncoderSettings(
                codec: spec.videoCodec, width: Int32(spec.width), height: Int32(spec.height),
                frameRate: spec.frameRate, crf: spec.crf, preset: spec.preset),
            globalHeader: output.needsGlobalHeader)
        let videoStream = try output.addStream(for: videoEncoder)
        let videoTimeBase = videoEncoder.timeBase
        let (videoGraph, videoSink) = try MockFilterGraphs.video(spec)

        var audio: ProducedStream?
        if spec.audio != .none {
            let encoder = try StreamEncoder(
                audio: spec.audioCodec ?? container.defaultAudioCodec,
                globalHeader: output.needsGlobalHeader)
            let stream = try output.addStream(for: encoder)
            let (graph, sink) = try MockFilterGraphs.audio(spec, encoder: encoder)
            audio = ProducedStream(
                stream: stream, timeBase: encoder.timeBase,
                producer: PacketProducer(name: "mock-audio", cancellation: cancellation, handingOver: (encoder, graph, sink), work: encodeAll))
        }
        let video = ProducedStream(
            stream: videoStream, timeBase: videoTimeBase,
            producer: PacketProducer(
                name: "mock-video", cancellation: cancellation, handingOver: (videoEncoder, videoGraph, videoSink),
                work: encodeAll))
        try output.writeHeader()
        var reporter = ProgressReporter(progress, stage: "synthesizing")
        try StreamInterleaver.run(
            video: video, audio: audio, into: output, duration: spec.duration,
            reporter: &reporter, cancellation: cancellation)
        try output.finish()
        reporter.report(1, force: true)
    }

    /// Writes `spec` on `executor`; cancelling the task stops it and removes the partial file.
    public static func write(
        _ spec: MockVideoSpec, to path: String, on executor: MediaExecutor,
        progress: ProgressHandler? = nil
    ) async throws(MediaError) {
        try await executor.run("mock-video") { flag throws(MediaError) in
            try write(spec, to: path, progress: progress, cancellation: flag)
        }
    }

    /// Producer work: pulls every frame from the graph's sink, encodes it, and pushes
    /// the packets, then flushes the encoder.
    private static func encodeAll(
        _ parts: (StreamEncoder, FilterGraph, FilterGraph.Node),
        to output: PacketProducer.Output
    ) throws(MediaError) {
        let (encoder, graph, sink) = parts
        let sinkTimeBase = graph.timeBase(of: sink)
        let frame = try Frame()
        let packet = try Packet()
        let push = { (packet: borrowing Packet) throws(MediaError) in try output.push(packet) }
        while try graph.pull(from: sink, into: frame) == .frame {
            if output.isCancelled { throw MediaError.cancelled() }
            frame.pts = av_rescale_q(frame.pts, sinkTimeBase, encoder.timeBase)
            frame.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
            try encoder.encode(frame.pointer, using: packet, emit: push)
            frame.unref()
        }
        try encoder.encode(nil, using: packet, emit: push)
    }
}
