import CFFmpeg

/// The video path of a render, run on its own thread: each clip's normalized frames
/// in turn, transitions blended from the two clips of a join, every frame encoded.
/// Only the clips of the current join are open, so memory does not grow with the
/// number of clips.
enum VideoComposer {
    static func encode(_ plan: RenderPlan, with encoder: StreamEncoder, to output: PacketProducer.Output) throws(MediaError) {
        try encode(plan, frames: 0..<plan.totalFrames, with: encoder, to: output)
    }

    /// Encodes output frames `range` of the plan (a chunk), stamped with their frame numbers
    /// in the whole render. The range must start and end where `VideoFrameRange.check` allows:
    /// at a clip's start or inside the body of a clip, never inside a transition.
    /// Only the packets of frames in `kept` are output: a chunk encodes a few frames on each
    /// side of its own (`VideoFrameRange.widened`) and drops them. Keyframes are forced at
    /// every seam, so no kept frame refers to a dropped one.
    static func encode(
        _ plan: RenderPlan, frames range: Range<Int64>, keeping kept: Range<Int64>? = nil, with encoder: StreamEncoder,
        to output: PacketProducer.Output
    ) throws(MediaError) {
        let kept = kept ?? range
        let (first, skipped) = try VideoFrameRange.check(range, in: plan)
        let keyframes = ForcedKeyframes(plan)
        let frame = try Frame()
        let other = try Frame()
        let blended = try Frame()
        let drawn = try Frame()
        let overlays = OverlayStage.make(for: plan)
        let packet = try Packet()
        var outputIndex = range.lowerBound
        let push = { (packet: borrowing Packet) throws(MediaError) in
            if kept.contains(packet.pointer.pointee.pts) { try output.push(packet) }
        }
        let encodeFrame = { (frame: borrowing Frame) throws(MediaError) in
            if output.isCancelled { throw MediaError.cancelled() }
            // Every path must deliver exactly what the encoder was opened for.
            guard frame.pointer.pointee.format == encoder.context.pointee.pix_fmt.rawValue,
                frame.pointer.pointee.width == encoder.context.pointee.width,
                frame.pointer.pointee.height == encoder.context.pointee.height
            else {
                throw MediaError(
                    .ffmpeg,
                    "internal: a frame of format \(frame.pointer.pointee.format) \(frame.pointer.pointee.width)x\(frame.pointer.pointee.height) reached the encoder"
                )
            }
            frame.pts = outputIndex
            // Keyframes where a chunk may start, in a whole render as in its chunks.
            frame.pointer.pointee.pict_type = keyframes.contains(outputIndex) ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
            outputIndex += 1
            try encoder.encode(frame.pointer, using: packet, emit: push)
        }
        let emit = { (frame: borrowing Frame) throws(MediaError) in
            guard let overlays, overlays.covers(outputIndex) else { return try encodeFrame(frame) }
            try overlays.draw(frame, at: outputIndex, into: drawn)
            defer { drawn.unref() }
            try encodeFrame(drawn)
        }

        // A chunk that starts inside a clip opens it that many frames in.
        var current = try ClipVideo.open(plan.clips[first].skipping(skipped, rate: plan.frameRate), in: plan)
        for clip in plan.clips[first...] {
            let incoming = clip.index > 0 ? plan.joins[clip.index - 1].frames : 0
            let outgoing = clip.index < plan.joins.count ? plan.joins[clip.index].frames : 0
            let body = clip.frames - incoming - outgoing
            guard body >= 0 else {
                throw MediaError(
                    .invalidArgument, "clip \(clip.index) is \(clip.frames) frames, too short for its transitions (\(incoming) + \(outgoing) frames)",
                    path: clip.path)
            }
            let bodyEnd = clip.startFrame + incoming + body
            while outputIndex < min(bodyEnd, range.upperBound) {
                try take(from: current, into: frame, clip: clip)
                try emit(frame)
                frame.unref()
            }
            guard clip.index < plan.joins.count, outputIndex < range.upperBound else { break }
            let nextClip = plan.clips[clip.index + 1]
            let next = try ClipVideo.open(nextClip, in: plan)
            if outgoing > 0 {
                let crossfade = try Crossfade(transition: plan.joins[clip.index].transition, frames: outgoing, plan: plan)
                for index in 0..<outgoing {
                    try take(from: current, into: frame, clip: clip)
                    try take(from: next, into: other, clip: nextClip)
                    try crossfade.blend(outgoing: frame, incoming: other, index: index, into: blended, emit: emit)
                }
                try crossfade.finish(into: blended, emit: emit)
            }
            current = next
        }
        try encoder.encode(nil, using: packet, emit: push)
        guard outputIndex == range.upperBound else {
            throw MediaError(.ffmpeg, "the render produced frames up to \(outputIndex) instead of \(range.upperBound)")
        }
    }

    private static func take(
        from reader: any ClipFrameSource, into frame: borrowing Frame,
        clip: RenderPlan.ClipPlan
    ) throws(MediaError) {
        let taken: Bool
        do {
            taken = try reader.next(into: frame)
        } catch {
            throw error.about("clip \(clip.index)")
        }
        guard taken else {
            throw MediaError(.truncated, "clip \(clip.index) (\(clip.path)) ended before its \(clip.frames) frames", path: clip.path)
        }
    }
}
