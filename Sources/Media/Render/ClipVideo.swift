import CFFmpeg

/// Opens a clip's video as exactly `clip.frames` normalized frames: trimmed, rotated
/// upright, square pixels, constant output frame rate, fitted to the output size,
/// yuv420p; frozen frames make up a head or tail the media does not have.
enum ClipVideo {
    static func open(_ clip: RenderPlan.ClipPlan, in plan: RenderPlan) throws(MediaError) -> any ClipFrameSource {
        if let still = clip.still { return try StillVideo(clip, still: still, in: plan) }
        let input = try InputContainer(path: clip.path)
        guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError(.noVideoStream, "clip \(clip.index) (\(clip.path)) has no video stream; give a video file", path: clip.path)
        }
        return try FilteredStreamReader(
            input: input, stream: stream,
            seekTo: clip.readStart,
            mustReach: clip.video.duration == nil ? nil : clip.readEnd
        ) { graph, source throws(MediaError) in
            // Time zero is the clip's `in` (in microseconds, so a coarse time base such as AVI's
            // 1/25 loses nothing), and `fps` starting there gives each output frame the source
            // frame on screen at the middle of its interval, one that began before `in` included.
            // `trim` + `setpts=PTS-STARTPTS` would start on the first frame after `in`, early.
            var last = try graph.chain(
                from: source,
                [
                    ("trim", ["end": optionSeconds(clip.readEnd)]),
                    ("settb", ["expr": "AVTB"]),
                    ("setpts", ["expr": "PTS-\(optionSeconds(clip.readStart))/TB"]),
                    // The end rounds up: an `in` in the last fraction of a frame still gets that frame.
                    ("fps", ["fps": "\(plan.frameRate.numerator)/\(plan.frameRate.denominator)", "start_time": "0", "eof_action": "pass"]),
                ])
            last = try graph.chain(from: last, uprightAndSquare(clip.video))
            last = try fit(graph, from: last, plan: plan)
            var padding: [(String, KeyValuePairs<String, String>)] = [("format", ["pix_fmts": "yuv420p"]), ("setsar", ["sar": "1"])]
            if clip.frozenHeadFrames > 0 {
                let freeze: KeyValuePairs<String, String> = ["start": String(clip.frozenHeadFrames), "start_mode": "clone"]
                padding.append(("tpad", freeze))
            }
            // Hold the last picture as long as needed, then cut at the exact count.
            let hold: KeyValuePairs<String, String> = ["stop": "-1", "stop_mode": "clone"]
            let cut: KeyValuePairs<String, String> = ["end_frame": String(clip.frames)]
            padding.append(("tpad", hold))
            padding.append(("trim", cut))
            return try graph.chain(from: last, padding)
        }
    }

    /// Rotation as players apply it (display matrix), then SAR folded into the width.
    static func uprightAndSquare(_ video: VideoStreamInfo) -> [(String, KeyValuePairs<String, String>)] {
        var filters: [(String, KeyValuePairs<String, String>)] = []
        switch video.rotation {
        case 90: filters.append(("transpose", ["dir": "clock"]))
        case 180:
            let none: KeyValuePairs<String, String> = [:]
            filters.append(("hflip", none))
            filters.append(("vflip", none))
        case 270: filters.append(("transpose", ["dir": "cclock"]))
        default: break
        }
        if video.sar != "1:1" {
            filters.append(("scale", ["w": "trunc(iw*sar/2)*2", "h": "ih"]))
            filters.append(("setsar", ["sar": "1"]))
        }
        return filters
    }

    static func fit(
        _ graph: FilterGraph, from start: FilterGraph.Node,
        plan: RenderPlan
    ) throws(MediaError) -> FilterGraph.Node {
        let width = String(plan.width)
        let height = String(plan.height)
        switch plan.fit {
        case .contain:
            return try graph.chain(
                from: start,
                [
                    ("scale", ["w": width, "h": height, "force_original_aspect_ratio": "decrease", "force_divisible_by": "2"]),
                    ("pad", ["width": width, "height": height, "x": "(ow-iw)/2", "y": "(oh-ih)/2", "color": plan.background]),
                ])
        case .cover:
            return try graph.chain(
                from: start,
                [
                    ("scale", ["w": width, "h": height, "force_original_aspect_ratio": "increase", "force_divisible_by": "2"]),
                    ("crop", ["w": width, "h": height]),
                ])
        case .blur:
            // The background is blurred at a quarter of the size: the same look at a sixteenth of the cost.
            // A Gaussian, so the upscaled fill shows no blocks.
            let smallWidth = String(max(2, plan.width / 8 * 2))
            let smallHeight = String(max(2, plan.height / 8 * 2))
            let split = try graph.add("split", ["outputs": "2"])
            try graph.link(start, to: split)
            let background = try graph.add("scale", ["w": smallWidth, "h": smallHeight, "force_original_aspect_ratio": "increase"])
            try graph.link(split, 0, to: background)
            let blurred = try graph.chain(
                from: background,
                [
                    ("crop", ["w": smallWidth, "h": smallHeight]),
                    ("gblur", ["sigma": String(max(1, min(plan.width, plan.height) / 64))]),
                    ("scale", ["w": width, "h": height]),
                    ("setsar", ["sar": "1"]),
                ])
            let foreground = try graph.add(
                "scale",
                [
                    "w": width, "h": height, "force_original_aspect_ratio": "decrease",
                    "force_divisible_by": "2",
                ])
            try graph.link(split, 1, to: foreground)
            let overlay = try graph.add("overlay", ["x": "(W-w)/2", "y": "(H-h)/2"])
            try graph.link(blurred, 0, to: overlay, 0)
            try graph.link(foreground, 0, to: overlay, 1)
            return overlay
        }
    }
}
