import CFFmpeg

/// The start frame an image-to-video request gave, drawn as a picture-in-picture at the
/// right of every frame of its mock clip: a render that keeps any part of the clip still
/// shows which picture it was made from (a first frame alone would be gone after one
/// frame, or cut by a trim). The picture keeps its shape inside a box a third of the
/// frame on each side, framed by a thin white border; transparent parts show the pattern.
struct MockReferenceInset: ~Copyable {
    /// The overlay that draws the picture on the clip: link the next filter to it.
    let output: FilterGraph.Node
    private let picture: Frame
    private let source: FilterGraph.Node
    private let path: String

    /// Of the frame's width and height, what the picture may take (border included).
    static let share = 0.34
    static let border = 2

    /// Decodes the picture at `path` (png, jpeg or webp, under Media's input policy),
    /// fitted to its box for a `width`x`height` clip, and adds it to `graph` over `main`.
    init(path: String, over main: FilterGraph.Node, in graph: FilterGraph, width: Int, height: Int) throws(MediaError) {
        // Everything that can throw happens before the picture is stored: a ~Copyable
        // member cannot be left half-initialized by a throw.
        let picture = try Self.decode(path, box: Self.box(width: width, height: height))
        let decoded = picture.pointer.pointee
        let format = av_get_pix_fmt_name(AVPixelFormat(decoded.format)).map { String(cString: $0) } ?? "rgba"
        let source = try graph.add(
            "buffer", ["video_size": "\(decoded.width)x\(decoded.height)", "pix_fmt": format, "time_base": "1/1000", "pixel_aspect": "1/1"])
        let margin = TextLayout(width: width, height: height).margin
        // One picture, then the end of input: `overlay` repeats the last picture it got
        // (eof_action=repeat) for every frame of the clip.
        let output = try graph.add("overlay", ["x": "W-w-\(margin)", "y": "(H-h)/2", "eof_action": "repeat", "format": "auto"])
        try graph.link(main, to: output, 0)
        try graph.link(source, to: output, 1)
        self.path = path
        self.source = source
        self.output = output
        self.picture = picture
    }

    /// Hands the picture to the configured graph and ends that input. Call once, after
    /// `FilterGraph.configure()` and before the first frame is pulled.
    consuming func feed() throws(MediaError) {
        picture.pts = 0
        try ffcheck(av_buffersrc_add_frame_flags(source.context, picture.pointer, 0), "adding the reference picture", path: path)
        try ffcheck(av_buffersrc_close(source.context, 1, 0), "ending the reference picture input", path: path)
    }

    /// The largest picture (border included) the inset may be, even-sized.
    static func box(width: Int, height: Int) -> (width: Int, height: Int) {
        let even = { (side: Double) in max(2, Int(side / 2) * 2) }
        return (even(Double(width) * share), even(Double(height) * share))
    }

    /// The first picture of `path`, in its own shape inside `box`, with a white border.
    private static func decode(_ path: String, box: (width: Int, height: Int)) throws(MediaError) -> Frame {
        let input = try InputContainer(path: path)
        guard let stream = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError(.noVideoStream, "the reference image \(path) has no picture; give a PNG, JPEG or WebP", path: path)
        }
        let inner = (width: max(2, box.width - 2 * border), height: max(2, box.height - 2 * border))
        let reader = try FilteredStreamReader(input: input, stream: stream) { graph, source throws(MediaError) in
            try graph.chain(
                from: source,
                [
                    ("scale", ["w": String(inner.width), "h": String(inner.height), "force_original_aspect_ratio": "decrease"]),
                    ("setsar", ["sar": "1"]),
                    ("format", ["pix_fmts": "rgba"]),
                    ("pad", ["w": "iw+\(2 * border)", "h": "ih+\(2 * border)", "x": String(border), "y": String(border), "color": "white"]),
                ])
        }
        let frame = try Frame()
        guard try reader.next(into: frame) else {
            throw MediaError(.notMedia, "the reference image \(path) gave no picture; give a PNG, JPEG or WebP", path: path)
        }
        return frame
    }
}
