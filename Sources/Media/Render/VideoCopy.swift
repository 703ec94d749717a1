import CFFmpeg
import Foundation

/// The fast path: when every join is a cut and the clips are the same kind of
/// stream as the output (codec, profile, size, frame rate, pixel format, time base,
/// codec headers), whole and upright, their video packets are copied one clip after
/// another with continuous timestamps instead of being decoded and re-encoded. The
/// audio still goes through the normal mix.
enum VideoCopy {
    /// The parameters to give the output stream, or nil when the normal path is needed.
    static func compatibleStream(for plan: RenderPlan) -> (parameters: CopiedParameters, timeBase: AVRational)? {
        // Text overlays and burned captions are drawn on decoded frames; still images have no packets to copy.
        guard plan.overlays.isEmpty, plan.captions?.burn != true, plan.joins.allSatisfy({ $0.frames == 0 }), let first = plan.clips.first else {
            return nil
        }
        for clip in plan.clips {
            guard clip.still == nil else { return nil }
            let video = clip.video
            guard video.codec == first.video.codec, video.profile == first.video.profile,
                video.codec == plan.videoCodec.rawValue,
                video.width == plan.width, video.height == plan.height, video.rotation == 0, video.sar == "1:1",
                video.pixFmt == "yuv420p", !video.vfr, video.frames == clip.frames,
                let fps = video.fps, FrameRate(fps) == plan.frameRate,
                clip.readStart == 0, clip.frozenHeadFrames == 0,
                abs(clip.readEnd - (video.duration ?? clip.info.duration ?? 0)) < 0.5 / plan.frameRate.value
            else { return nil }
        }
        // The codec headers (SPS/PPS) and time bases must match byte for byte: one track has one header.
        var reference: CopiedParameters?
        var timeBase = AVRational(num: 0, den: 1)
        for clip in plan.clips {
            guard let input = try? InputContainer(path: clip.path), let stream = input.bestStream(AVMEDIA_TYPE_VIDEO),
                let parameters = try? CopiedParameters(stream.pointee.codecpar)
            else { return nil }
            if let reference {
                guard parameters.extradata == reference.extradata, av_cmp_q(stream.pointee.time_base, timeBase) == 0 else { return nil }
            } else {
                reference = parameters
                timeBase = stream.pointee.time_base
            }
        }
        guard let reference else { return nil }
        return (reference, timeBase)
    }

    /// One file whose video packets are copied, placed at `startFrame` of the output.
    struct Source {
        let path: String
        /// Who the file is in messages: "clip 3", "chunk 2".
        let name: String
        let startFrame: Int64
        /// The packets it must hold, when known (a chunk's frame count).
        var expectedFrames: Int64? = nil
    }

    /// Producer work: every clip's video packets in order, shifted so each clip starts
    /// at its planned frame.
    static func copyPackets(_ plan: RenderPlan, timeBase: AVRational, to output: PacketProducer.Output) throws(MediaError) {
        let sources = plan.clips.map { Source(path: $0.path, name: "clip \($0.index)", startFrame: $0.startFrame) }
        try copyPackets(sources, frameRate: plan.frameRate, timeBase: timeBase, to: output)
    }

    /// Producer work: the video packets of `sources` in order, each shifted to start at
    /// its frame, decode timestamps kept rising across the joins.
    static func copyPackets(_ sources: [Source], frameRate: FrameRate, timeBase: AVRational, to output: PacketProducer.Output) throws(MediaError) {
        let packet = try Packet()
        let frameDuration = av_rescale_q(1, frameRate.frameDuration, timeBase)
        var lastDTS = Int64.min
        for source in sources {
            let input = try InputContainer(path: source.path)
            guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
                throw MediaError(.noVideoStream, "\(source.name) (\(source.path)) has no video stream", path: source.path)
            }
            let start = stream.pointee.start_time == noPTS ? 0 : stream.pointee.start_time
            let offset = source.startFrame * frameDuration - av_rescale_q(start, stream.pointee.time_base, timeBase)
            var copied: Int64 = 0
            while try input.read(into: packet) {
                if output.isCancelled { throw MediaError.cancelled() }
                guard packet.pointer.pointee.stream_index == stream.pointee.index else {
                    packet.unref()
                    continue
                }
                let p = packet.pointer
                av_packet_rescale_ts(p, stream.pointee.time_base, timeBase)
                if p.pointee.pts != noPTS { p.pointee.pts += offset }
                if p.pointee.dts != noPTS {
                    // Decode order must rise strictly across a join, whatever each clip's reorder delay.
                    p.pointee.dts = max(p.pointee.dts + offset, lastDTS + 1)
                    lastDTS = p.pointee.dts
                }
                if p.pointee.duration == 0 { p.pointee.duration = frameDuration }
                p.pointee.pos = -1
                try output.push(packet)
                copied += 1
            }
            if let expected = source.expectedFrames, copied != expected {
                throw MediaError(
                    .truncated, "\(source.name) (\(source.path)) holds \(copied) frames instead of \(expected); render it again",
                    path: source.path)
            }
        }
    }
}

/// A copy of a stream's codec parameters, owned and freed exactly once.
final class CopiedParameters {
    let pointer: UnsafeMutablePointer<AVCodecParameters>

    init(_ source: UnsafeMutablePointer<AVCodecParameters>?) throws(MediaError) {
        pointer = try ffalloc(avcodec_parameters_alloc(), "codec parameters")
        try ffcheck(avcodec_parameters_copy(pointer, source), "copying codec parameters")
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVCodecParameters>? = pointer
        avcodec_parameters_free(&freeing)
    }

    var extradata: Data {
        guard let bytes = pointer.pointee.extradata else { return Data() }
        return Data(bytes: bytes, count: Int(pointer.pointee.extradata_size))
    }
}
