import CFFmpeg
import Foundation

/// The clips' own audio laid end to end on the output's sample clock, crossfaded
/// (equal power) over each transition. Clip `i` covers exactly the samples of its
/// frames, so audio and video meet at every join. At most the two clips of the
/// current join are open.
final class ClipAudioTrack {
    private struct Placed {
        let index: Int
        let reader: AudioSampleReader
        let start: Int64
        let end: Int64
        let fadeInEnd: Int64
        let fadeOutStart: Int64
    }

    private let plan: RenderPlan
    private var nextClip = 0
    private var active: [Placed] = []
    private var position: Int64 = 0

    init(plan: RenderPlan) { self.plan = plan }

    /// Adds the next `count` samples into the buffers (which start zeroed).
    func read(_ count: Int, into left: inout [Float], _ right: inout [Float]) throws(MediaError) {
        let end = position + Int64(count)
        while nextClip < plan.clips.count, plan.sample(atFrame: plan.clips[nextClip].startFrame) < end {
            let clip = plan.clips[nextClip]
            do {
                active.append(try place(clip))
            } catch {
                throw error.about("clip \(clip.index)")
            }
            nextClip += 1
        }
        for clip in active {
            let from = max(position, clip.start)
            let to = min(end, clip.end)
            guard from < to else { continue }
            do {
                try clip.reader.add(Int(to - from), into: &left, &right, at: Int(from - position)) { i in
                    let sample = from + Int64(i)
                    if sample < clip.fadeInEnd {
                        return Float(sin(Double.pi / 2 * Double(sample - clip.start) / Double(clip.fadeInEnd - clip.start)))
                    }
                    if sample >= clip.fadeOutStart {
                        return Float(cos(Double.pi / 2 * Double(sample - clip.fadeOutStart) / Double(clip.end - clip.fadeOutStart)))
                    }
                    return 1
                }
            } catch {
                throw error.about("clip \(clip.index)")
            }
        }
        active.removeAll { $0.end <= end }
        position = end
    }

    private func place(_ clip: RenderPlan.ClipPlan) throws(MediaError) -> Placed {
        let incoming = clip.index > 0 ? plan.joins[clip.index - 1].frames : 0
        let outgoing = clip.index < plan.joins.count ? plan.joins[clip.index].frames : 0
        let lastFrame = clip.startFrame + clip.frames
        let start = plan.sample(atFrame: clip.startFrame)
        let frozen = plan.sample(atFrame: clip.startFrame + clip.frozenHeadFrames) - start
        let reader: AudioSampleReader
        let input = try InputContainer(path: clip.path)
        if let stream = input.bestStream(AVMEDIA_TYPE_AUDIO) {
            // Measured from the picture's start, as the video path does, so sync is kept.
            let origin = input.bestStream(AVMEDIA_TYPE_VIDEO).map { input.startSeconds(of: $0) }
            reader = try AudioSampleReader.open(
                input, stream: stream, origin: origin, start: clip.readStart, end: clip.readEnd,
                gain: clip.volume, leadingSilence: frozen)
        } else {
            reader = try AudioSampleReader.silence()  // a clip without sound still lasts its length
        }
        return Placed(
            index: clip.index, reader: reader, start: start, end: plan.sample(atFrame: lastFrame),
            fadeInEnd: plan.sample(atFrame: clip.startFrame + incoming),
            fadeOutStart: plan.sample(atFrame: lastFrame - outgoing))
    }
}
