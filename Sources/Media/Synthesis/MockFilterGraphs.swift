import CFFmpeg
import Foundation

/// Builds the libavfilter graphs that draw a mock clip's pictures and sound.
enum MockFilterGraphs {
    /// The timecode's font (digits and punctuation only), and the label's when fontconfig offers none.
    static let fontPath = LabelFont.fallbackPath

    /// pattern → trim to the exact frame count → seeded hue/shift → reference picture →
    /// text → yuv420p → sink. The reference goes over the seeded look, in its own colours.
    static func video(_ spec: MockVideoSpec) throws(MediaError) -> (FilterGraph, sink: FilterGraph.Node) {
        let graph = try FilterGraph()
        let variation = SeededVariation(seed: spec.seed)
        let source = try graph.add(spec.pattern.rawValue, sourceOptions(spec, variation))
        var last = try graph.chain(from: source, [("trim", ["end_frame": String(spec.frameCount)])] + variationFilters(variation))
        var inset: MockReferenceInset?
        if let path = spec.referenceImage {
            let added = try MockReferenceInset(path: path, over: last, in: graph, width: spec.width, height: spec.height)
            last = added.output
            inset = consume added
        }
        let sink = try finish(graph, from: last, try textOverlay(spec) + [("format", ["pix_fmts": "yuv420p"])])
        switch consume inset {
        case .some(let picture): try picture.feed()
        case .none: break
        }
        return (graph, sink)
    }

    /// One still picture: the pattern's first frame, seeded and labelled like a clip's,
    /// in `spec.pixelFormat`. Sources are made at least 2x2 and even-sized (several
    /// refuse 1x1, and chroma-subsampled steps round odd sizes) and cropped back.
    static func image(_ spec: MockImageSpec) throws(MediaError) -> (FilterGraph, sink: FilterGraph.Node) {
        let graph = try FilterGraph()
        let variation = SeededVariation(seed: spec.seed)
        let sourceWidth = max(2, spec.width + spec.width % 2)
        let sourceHeight = max(2, spec.height + spec.height % 2)
        var video = MockVideoSpec()
        video.width = sourceWidth
        video.height = sourceHeight
        video.frameRate = FrameRate(1)
        video.pattern = spec.pattern
        let source = try graph.add(spec.pattern.rawValue, sourceOptions(video, variation))
        var filters: [(String, KeyValuePairs<String, String>)] = [("trim", ["end_frame": "1"])]
        filters.append(contentsOf: variationFilters(variation))
        filters.append(contentsOf: try textOverlay(spec.text, width: sourceWidth, height: sourceHeight, timecode: false))
        filters.append(("format", ["pix_fmts": spec.pixelFormat.rawValue]))
        if sourceWidth != spec.width || sourceHeight != spec.height {
            filters.append(("crop", ["w": String(spec.width), "h": String(spec.height), "x": "0", "y": "0", "exact": "1"]))
        }
        return (graph, try finish(graph, from: source, filters))
    }

    /// The seed's hue turn and pattern shift (none for seed 0).
    private static func variationFilters(_ variation: SeededVariation) -> [(String, KeyValuePairs<String, String>)] {
        var filters: [(String, KeyValuePairs<String, String>)] = []
        if variation.hueDegrees != 0 {
            filters.append(("hue", ["h": String(variation.hueDegrees)]))
        }
        if variation.horizontalShift != 0 || variation.verticalShift != 0 {
            filters.append(("scroll", ["hpos": String(variation.horizontalShift), "vpos": String(variation.verticalShift)]))
        }
        return filters
    }

    /// Chains `filters` after `source` into a buffer sink and configures the graph.
    private static func finish(
        _ graph: FilterGraph, from source: FilterGraph.Node,
        _ filters: [(String, KeyValuePairs<String, String>)]
    ) throws(MediaError) -> FilterGraph.Node {
        let last = try graph.chain(from: source, filters)
        let sink = try graph.add("buffersink")
        try graph.link(last, to: sink)
        try graph.configure()
        return sink
    }

    /// Tone or silence at 48 kHz stereo, in the encoder's sample format and frame size.
    static func audio(_ spec: MockVideoSpec, encoder: StreamEncoder) throws(MediaError) -> (FilterGraph, sink: FilterGraph.Node) {
        let graph = try FilterGraph()
        let samples = String(CheckedConversion.count(seconds: spec.duration, rate: 48_000) ?? 0)
        let source: FilterGraph.Node
        switch spec.audio {
        case .tone(let hertz):
            source = try graph.add("sine", ["frequency": String(hertz), "sample_rate": "48000"])
        case .silence, .none:
            source = try graph.add("anullsrc", ["sample_rate": "48000", "channel_layout": "stereo"])
        }
        let last = try graph.chain(
            from: source,
            [
                ("atrim", ["end_sample": samples]),
                ("aformat", ["sample_fmts": encoder.sampleFormatName, "sample_rates": "48000", "channel_layouts": "stereo"]),
            ])
        let sink = try graph.add("abuffersink")
        try graph.link(last, to: sink)
        try graph.configure()
        if let frameSize = encoder.fixedFrameSize { graph.setFrameSize(of: sink, to: frameSize) }
        return (graph, sink)
    }

    private static func sourceOptions(_ spec: MockVideoSpec, _ variation: SeededVariation) -> KeyValuePairs<String, String> {
        let size = "\(spec.width)x\(spec.height)"
        let rate = "\(spec.frameRate.numerator)/\(spec.frameRate.denominator)"
        switch spec.pattern {
        case .testsrc2, .testsrc, .smptehdbars:
            return ["size": size, "rate": rate]
        case .color:
            return ["color": variation.color, "size": size, "rate": rate]
        case .gradients:
            // Both colours are set: left alone they default to "random", drawn from the
            // clock rather than `seed` (which only places the gradient's line).
            return [
                "size": size, "rate": rate, "seed": String(variation.patternSeed), "speed": "0.02",
                "c0": variation.color, "c1": variation.secondColor,
            ]
        case .mandelbrot:
            // FFmpeg's default of 7189 iterations costs seconds per HD frame; 256 looks the same at mock quality.
            return ["size": size, "rate": rate, "maxiter": "256"]
        case .life:
            return [
                "size": size, "rate": rate, "seed": String(variation.patternSeed), "mold": "10",
                "life_color": variation.color, "mold_color": "0x204020",
            ]
        }
    }

    /// Two drawtext filters: the label as literal text (no % expansion, so a prompt
    /// is drawn as written) and a running timecode with the frame number.
    private static func textOverlay(_ spec: MockVideoSpec) throws(MediaError) -> [(String, KeyValuePairs<String, String>)] {
        try textOverlay(spec.text, width: spec.width, height: spec.height, timecode: true)
    }

    /// The label at the top, wrapped to the frame, and (for clips) a timecode at the bottom.
    /// Values go to drawtext through AVOptions, never through filtergraph syntax, and the
    /// label is drawn with `expansion=none`: `:` `'` `\` `%` `{}` `[]` `;` `,` need no escaping.
    static func textOverlay(
        _ text: String?, width: Int, height: Int,
        timecode: Bool
    ) throws(MediaError) -> [(String, KeyValuePairs<String, String>)] {
        guard let text else { return [] }
        let layout = TextLayout(width: width, height: height)
        let label = TextWrapping.wrap(
            text, width: width - 2 * layout.margin, fontSize: layout.labelFontSize,
            maxLines: layout.maxLabelLines)
        guard !label.isEmpty else { return [] }
        guard FileManager.default.fileExists(atPath: fontPath) else {
            throw MediaError(.unsupported, "the font \(fontPath) is missing; install fonts-dejavu-core (scripts/install-deps.sh)")
        }
        let labelFont = LabelFont.covering(label)?.path ?? fontPath
        var filters: [(String, KeyValuePairs<String, String>)] = [
            (
                "drawtext",
                [
                    "fontfile": labelFont, "expansion": "none", "text": label, "fontsize": String(layout.labelFontSize),
                    "fontcolor": "white", "x": String(layout.margin), "y": String(layout.margin),
                    "box": "1", "boxcolor": "black@0.55", "boxborderw": String(max(1, layout.labelFontSize / 4)),
                ]
            )
        ]
        if timecode {
            filters.append(
                (
                    "drawtext",
                    [
                        "fontfile": fontPath, "expansion": "normal", "text": "%{pts:hms}  #%{frame_num}",
                        "fontsize": String(layout.timecodeFontSize), "fontcolor": "white",
                        "x": String(layout.margin), "y": "h-th-\(layout.margin)",
                        "box": "1", "boxcolor": "black@0.55",
                        "boxborderw": String(max(1, layout.timecodeFontSize / 4)),
                    ]
                ))
        }
        return filters
    }
}

/// Font sizes and line budget for a frame's text, relative to its size.
struct TextLayout {
    let margin: Int
    /// Sized by the height, but narrow (portrait) frames get a smaller font so a line
    /// still holds a few words.
    let labelFontSize: Int
    /// Sized so the timecode line (about 17 glyphs) fits the width of portrait frames too.
    let timecodeFontSize: Int
    /// Lines that fit in the top ~40% of the frame, leaving the pattern and timecode visible.
    let maxLabelLines: Int

    init(width: Int, height: Int) {
        margin = max(2, height / 30)
        labelFontSize = max(8, min(height / 20, width / 16))
        timecodeFontSize = max(8, min(height / 18, width / 12))
        let lineHeight = Double(labelFontSize) * 1.25
        maxLabelLines = max(1, min(6, Int(Double(height) * 0.4 / lineHeight)))
    }
}

/// Greedy word wrapping by an estimated glyph width (DejaVu Sans Bold averages ~0.62 em;
/// CJK and emoji, drawn as wide glyphs or boxes, count as ~1 em). Explicit line breaks
/// are kept; control characters (NUL would cut the C string) are dropped; text past
/// `maxLines` is cut with an ellipsis.
enum TextWrapping {
    static func wrap(_ text: String, width: Int, fontSize: Int, maxLines: Int) -> String {
        let perLine = max(4.0, (Double(width) / (Double(fontSize) * 0.62)).rounded(.down))
        let maxLines = max(1, maxLines)
        var lines: [String] = []
        paragraphs: for paragraph in printable(text).split(separator: "\n") {
            var current = ""
            var currentWidth = 0.0
            for word in paragraph.split(separator: " ") {
                var word = Substring(word)
                var wordWidth = columns(word)
                while wordWidth > perLine {  // a word longer than a line is cut
                    if !current.isEmpty {
                        lines.append(current)
                        current = ""
                        currentWidth = 0
                    }
                    let head = prefix(word, fitting: perLine)
                    lines.append(String(head))
                    word = word.dropFirst(head.count)
                    wordWidth = columns(word)
                    if lines.count > maxLines { break paragraphs }
                }
                if word.isEmpty { continue }
                if current.isEmpty {
                    current = String(word)
                    currentWidth = wordWidth
                } else if currentWidth + 1 + wordWidth <= perLine {
                    current += " " + word
                    currentWidth += 1 + wordWidth
                } else {
                    lines.append(current)
                    current = String(word)
                    currentWidth = wordWidth
                }
                if lines.count > maxLines { break paragraphs }
            }
            if !current.isEmpty { lines.append(current) }
            if lines.count > maxLines { break }
        }
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            lines[maxLines - 1] = String(prefix(Substring(lines[maxLines - 1]), fitting: perLine - 1)) + "…"
        }
        return lines.joined(separator: "\n")
    }

    /// Line breaks (CR, LF, CRLF, U+2028/9) become "\n", other whitespace a space;
    /// control and unassigned code points are dropped.
    static func printable(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\n" where previousWasCR: continue
            case "\n", "\r", "\u{2028}", "\u{2029}", "\u{0B}", "\u{0C}", "\u{85}": scalars.append("\n")
            default:
                if scalar.properties.isWhitespace {
                    scalars.append(" ")
                } else if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .unassigned
                    || scalar.properties.generalCategory == .surrogate
                {
                    continue
                } else {
                    scalars.append(scalar)
                }
            }
        }
        return String(scalars)
    }

    /// Width in average glyphs.
    static func columns(_ text: Substring) -> Double {
        text.reduce(0) { $0 + glyphWidth($1) }
    }

    static func glyphWidth(_ character: Character) -> Double {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if scalar.properties.isEmojiPresentation || character.unicodeScalars.count > 1 && scalar.properties.isEmoji { return 1.7 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
            0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F000...0x1FAFF, 0x20000...0x3FFFD:
            return 1.7
        default:
            return 1
        }
    }

    /// The longest prefix no wider than `limit` (at least one character, so cutting always advances).
    static func prefix(_ text: Substring, fitting limit: Double) -> Substring {
        var width = 0.0
        var end = text.startIndex
        for index in text.indices {
            width += glyphWidth(text[index])
            if width > limit && index != text.startIndex { break }
            end = text.index(after: index)
        }
        return text[..<end]
    }
}
