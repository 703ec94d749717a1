import CFFmpeg
import Foundation

/// What the video path pulls a clip's frames from: a decoded, filtered file, or a still picture in motion.
protocol ClipFrameSource: AnyObject {
    /// The next normalized frame; false at the end.
    func next(into frame: borrowing Frame) throws(MediaError) -> Bool
}

extension FilteredStreamReader: ClipFrameSource {}

/// A still image clip: the picture is decoded and fitted to the output once, then each
/// of the clip's frames is a reference to it (no motion) or it warped by libavfilter's
/// `perspective` (bilinear, 1/256-pixel precision) to a crop rectangle computed per frame
/// in floating point, so slow zooms and pans move smoothly instead of in whole-pixel
/// steps (as `crop` or `zoompan` would). Holds one fitted picture and one filter graph.
final class StillVideo: ClipFrameSource {
    private let clip: RenderPlan.ClipPlan
    private let picture: Frame
    private let motion: FilterGraph?
    private let source: FilterGraph.Node?
    private let sink: FilterGraph.Node?
    private var produced: Int64 = 0

    init(_ clip: RenderPlan.ClipPlan, still: RenderPlan.StillPlan, in plan: RenderPlan) throws(MediaError) {
        self.clip = clip
        picture = try Self.fittedPicture(clip, plan: plan)
        guard still.motion != .none, still.strength > 0 else {
            motion = nil
            source = nil
            sink = nil
            return
        }
        let graph = try FilterGraph()
        let rate = plan.frameRate
        let source = try graph.add(
            "buffer",
            [
                "video_size": "\(plan.width)x\(plan.height)", "pix_fmt": "yuv420p",
                "time_base": "\(rate.denominator)/\(rate.numerator)", "frame_rate": "\(rate.numerator)/\(rate.denominator)",
                "pixel_aspect": "1/1",
            ])
        let corners = Self.corners(still, clip: clip, rate: rate)
        let warp = try graph.add(
            "perspective",
            [
                "x0": corners.left, "y0": corners.top, "x1": corners.right, "y1": corners.top,
                "x2": corners.left, "y2": corners.bottom, "x3": corners.right, "y3": corners.bottom,
                "interpolation": "linear", "sense": "source", "eval": "frame",
            ])
        try graph.link(source, to: warp)
        let sink = try graph.add("buffersink")
        try graph.link(warp, to: sink)
        try graph.configure()
        motion = graph
        self.source = source
        self.sink = sink
    }

    func next(into frame: borrowing Frame) throws(MediaError) -> Bool {
        guard produced < clip.frames else { return false }
        defer { produced += 1 }
        guard let motion, let source, let sink else {
            try ffcheck(av_frame_ref(frame.pointer, picture.pointer), "referencing the still picture", path: clip.path)
            frame.pts = produced
            return true
        }
        picture.pts = produced
        try ffcheck(
            av_buffersrc_add_frame_flags(source.context, picture.pointer, Int32(AV_BUFFERSRC_FLAG_KEEP_REF)), "moving the still picture",
            path: clip.path)
        guard try motion.pull(from: sink, into: frame) == .frame else {
            throw MediaError(.ffmpeg, "internal: the still picture's motion gave no frame", path: clip.path)
        }
        return true
    }

    /// The crop rectangle's edges as perspective expressions of the input frame number `in`
    /// (counted from 1): the view at the middle of each output frame's interval, as for video.
    static func corners(
        _ still: RenderPlan.StillPlan, clip: RenderPlan.ClipPlan,
        rate: FrameRate
    ) -> (left: String, right: String, top: String, bottom: String) {
        let n = { (value: Double) in String(format: "%.12g", value) }
        // Seconds into the still's virtual media of output frame in-1, as a 0…1 progress.
        let time = "(\(n(clip.readStart))+(in-1-\(clip.frozenHeadFrames)+0.5)*\(n(Double(rate.denominator) / Double(rate.numerator))))"
        let progress = "clip(\(time)/\(n(still.duration)),0,1)"
        let strength = n(still.strength)
        let zoom: String
        var across = "0.5"
        var down = "0.5"
        switch still.motion {
        case .none: zoom = "1"
        case .zoomIn: zoom = "(1+\(strength)*\(progress))"
        case .zoomOut: zoom = "(1+\(strength)*(1-\(progress)))"
        case .panLeft, .panRight, .panUp, .panDown:
            zoom = "(1+\(strength))"
            switch still.motion {
            case .panRight: across = progress
            case .panLeft: across = "(1-\(progress))"
            case .panDown: down = progress
            default: down = "(1-\(progress))"
            }
        }
        let left = "((W-W/\(zoom))*\(across))"
        let top = "((H-H/\(zoom))*\(down))"
        return (left, "(\(left)+W/\(zoom))", top, "(\(top)+H/\(zoom))")
    }

    /// The image's first picture, upright, fitted to the output as a video clip is, yuv420p.
    private static func fittedPicture(_ clip: RenderPlan.ClipPlan, plan: RenderPlan) throws(MediaError) -> Frame {
        let input = try InputContainer(path: clip.path)
        guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError(.noVideoStream, "\(clip.path) has no picture; give a PNG, JPEG or WebP", path: clip.path)
        }
        let reader = try FilteredStreamReader(input: input, stream: stream) { graph, source throws(MediaError) in
            var last = try graph.chain(from: source, ClipVideo.uprightAndSquare(clip.video))
            last = try ClipVideo.fit(graph, from: last, plan: plan)
            return try graph.chain(from: last, [("format", ["pix_fmts": "yuv420p"]), ("setsar", ["sar": "1"])])
        }
        let frame = try Frame()
        let taken: Bool
        do {
            taken = try reader.next(into: frame)
        } catch {
            if error.kind == .cancelled { throw error }
            throw MediaError(
                .notMedia, "\(clip.path) could not be decoded as a picture (truncated or damaged?); re-export it as PNG, JPEG or WebP",
                path: clip.path, ffmpegMessage: error.description)
        }
        guard taken else {
            throw MediaError(
                .notMedia, "\(clip.path) gave no picture (truncated or damaged?); re-export it as PNG, JPEG or WebP", path: clip.path)
        }
        return frame
    }
}
