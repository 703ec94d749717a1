import CFFmpeg

/// The video path of a render, run on its own thread: each clip's normalized frames
/// in turn, transitions blended from the two clips of a join, every frame encoded.
/// Only the clips of the current join are open, so memory does not grow with the
/// number of clips.
enum VideoComposer {
    static func encode(_ plan: RenderPlan, with encoder: StreamEncoder, to output: PacketProducer.Output) throws(MediaError) {
        let frame = try Frame()
        let other = try Frame()
        let blended = try Frame()
        let packet = try Packet()
        var outputIndex: Int64 = 0
        let emit = { (frame: borrowing Frame) throws(MediaError) in
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
            frame.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
            outputIndex += 1
            try encoder.encode(frame.pointer, using: packet) { (packet) throws(MediaError) in try output.push(packet) }
        }

        var current = try ClipVideo.open(plan.clips[0], in: plan)
        for clip in plan.clips {
            let incoming = clip.index > 0 ? plan.joins[clip.index - 1].frames : 0
            let outgoing = clip.index < plan.joins.count ? plan.joins[clip.index].frames : 0
            let body = clip.frames - incoming - outgoing
            guard body >= 0 else {
                throw MediaError(
                    .invalidArgument, "clip \(clip.index) is \(clip.frames) frames, too short for its transitions (\(incoming) + \(outgoing) frames)",
                    path: clip.path)
            }
            for _ in 0..<body {
                try take(from: current, into: frame, clip: clip)
                try emit(frame)
                frame.unref()
            }
            guard clip.index < plan.joins.count else { break }
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
        try encoder.encode(nil, using: packet) { (packet) throws(MediaError) in try output.push(packet) }
        guard outputIndex == plan.totalFrames else {
            throw MediaError(.ffmpeg, "the render produced \(outputIndex) frames instead of \(plan.totalFrames)")
        }
    }

    private static func take(
        from reader: FilteredStreamReader, into frame: borrowing Frame,
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
