import CFFmpeg
import Foundation

/// Writes mock (test-pattern) clips in-process: libavfilter draws the frames and the
/// tone, libavcodec encodes, libavformat muxes into a temporary file that is renamed
/// into place only when complete.
public enum MockVideoSynthesizer {
    /// Writes `spec` to `path` (container from the extension). Blocking: call it from a
    /// dedicated thread, or use the async overload.
    public static func write(_ spec: MockVideoSpec, to path: String,
                             progress: ProgressHandler? = nil,
                             cancellation: CancellationFlag? = nil) throws(MediaError) {
        let container = try ContainerFormat(forPath: path)
        let problems = spec.problems(for: container)
        guard problems.isEmpty else {
            throw MediaError(.invalidArgument, problems.joined(separator: "; "), path: path)
        }
        let output = try OutputContainer(path: path, format: container)

        let videoEncoder = try StreamEncoder(video: VideoEncoderSettings(
            codec: spec.videoCodec, width: Int32(spec.width), height: Int32(spec.height),
            frameRate: spec.frameRate, crf: spec.crf, preset: spec.preset),
            globalHeader: output.needsGlobalHeader)
        let videoStream = try output.addStream(for: videoEncoder)
        let (videoGraph, videoSink) = try MockFilterGraphs.video(spec)

        var audio: (encoder: StreamEncoder, stream: UnsafeMutablePointer<AVStream>, graph: FilterGraph, sink: FilterGraph.Node)?
        if spec.audio != .none {
            let encoder = try StreamEncoder(audio: spec.audioCodec ?? container.defaultAudioCodec,
                                      globalHeader: output.needsGlobalHeader)
            let stream = try output.addStream(for: encoder)
            let (graph, sink) = try MockFilterGraphs.audio(spec, encoder: encoder)
            audio = (encoder, stream, graph, sink)
        }

        try output.writeHeader()

        let frame = try Frame()
        let packet = try Packet()
        var reporter = ProgressReporter(progress, stage: "synthesizing")
        let videoSinkTimeBase = videoGraph.timeBase(of: videoSink)
        var videoDone = false
        var audioDone = audio == nil
        var videoSeconds = 0.0
        var audioSeconds = 0.0

        func writeVideo(_ packet: borrowing Packet) throws(MediaError) {
            if packet.pointer.pointee.duration == 0 { packet.pointer.pointee.duration = 1 }
            try output.write(packet, from: videoEncoder.timeBase, to: videoStream)
        }

        // Pull from whichever stream is behind, so the muxer interleaves with little buffering.
        while !videoDone || !audioDone {
            if cancellation?.isCancelled == true { throw MediaError.cancelled(path) }
            if !videoDone && (audioDone || videoSeconds <= audioSeconds) {
                switch try videoGraph.pull(from: videoSink, into: frame) {
                case .frame:
                    frame.pts = av_rescale_q(frame.pts, videoSinkTimeBase, videoEncoder.timeBase)
                    frame.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
                    videoSeconds = Double(frame.pts + 1) * av_q2d(videoEncoder.timeBase)
                    try videoEncoder.encode(frame.pointer, using: packet, emit: writeVideo)
                    frame.unref()
                    reporter.report(videoSeconds / spec.duration)
                case .end, .again:
                    try videoEncoder.encode(nil, using: packet, emit: writeVideo)
                    videoDone = true
                }
            } else if let audio {
                switch try audio.graph.pull(from: audio.sink, into: frame) {
                case .frame:
                    frame.pts = av_rescale_q(frame.pts, audio.graph.timeBase(of: audio.sink), audio.encoder.timeBase)
                    audioSeconds = Double(frame.pts + Int64(frame.pointer.pointee.nb_samples)) * av_q2d(audio.encoder.timeBase)
                    try audio.encoder.encode(frame.pointer, using: packet) { (packet) throws(MediaError) in
                        try output.write(packet, from: audio.encoder.timeBase, to: audio.stream)
                    }
                    frame.unref()
                case .end, .again:
                    try audio.encoder.encode(nil, using: packet) { (packet) throws(MediaError) in
                        try output.write(packet, from: audio.encoder.timeBase, to: audio.stream)
                    }
                    audioDone = true
                }
            }
        }
        if cancellation?.isCancelled == true { throw MediaError.cancelled(path) }
        try output.finish()
        reporter.report(1, force: true)
    }

    /// Writes `spec` on a dedicated thread; cancelling the task stops it and removes the partial file.
    public static func write(_ spec: MockVideoSpec, to path: String,
                             progress: ProgressHandler? = nil) async throws {
        try await BlockingWork.run(name: "mock-video") { flag in
            try write(spec, to: path, progress: progress, cancellation: flag)
        }
    }
}
