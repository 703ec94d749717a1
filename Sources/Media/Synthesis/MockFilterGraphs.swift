import CFFmpeg
import Foundation

/// Builds the libavfilter graphs that draw a mock clip's pictures and sound.
enum MockFilterGraphs {
    static let fontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

    /// pattern → trim to the exact frame count → seeded hue/shift → text → yuv420p → sink.
    static func video(_ spec: MockVideoSpec) throws(MediaError) -> (FilterGraph, sink: FilterGraph.Node) {
        let graph = try FilterGraph()
        let variation = SeededVariation(seed: spec.seed)
        let source = try graph.add(spec.pattern.rawValue, sourceOptions(spec, variation))
        var filters: [(String, KeyValuePairs<String, String>)] = [
            ("trim", ["end_frame": String(spec.frameCount)]),
        ]
        if variation.hueDegrees != 0 {
            filters.append(("hue", ["h": String(variation.hueDegrees)]))
        }
        if variation.horizontalShift != 0 || variation.verticalShift != 0 {
            filters.append(("scroll", ["hpos": String(variation.horizontalShift), "vpos": String(variation.verticalShift)]))
        }
        filters.append(contentsOf: try textOverlay(spec))
        filters.append(("format", ["pix_fmts": "yuv420p"]))
        let last = try graph.chain(from: source, filters)
        let sink = try graph.add("buffersink")
        try graph.link(last, to: sink)
        try graph.configure()
        return (graph, sink)
    }

    /// Tone or silence at 48 kHz stereo, in the encoder's sample format and frame size.
    static func audio(_ spec: MockVideoSpec, encoder: StreamEncoder) throws(MediaError) -> (FilterGraph, sink: FilterGraph.Node) {
        let graph = try FilterGraph()
        let samples = String(Int64((spec.duration * 48_000).rounded()))
        let source: FilterGraph.Node
        switch spec.audio {
        case .tone(let hertz):
            source = try graph.add("sine", ["frequency": String(hertz), "sample_rate": "48000"])
        case .silence, .none:
            source = try graph.add("anullsrc", ["sample_rate": "48000", "channel_layout": "stereo"])
        }
        let last = try graph.chain(from: source, [
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
            return ["size": size, "rate": rate, "seed": String(variation.patternSeed), "speed": "0.02"]
        case .mandelbrot:
            // FFmpeg's default of 7189 iterations costs seconds per HD frame; 256 looks the same at mock quality.
            return ["size": size, "rate": rate, "maxiter": "256"]
        case .life:
            return ["size": size, "rate": rate, "seed": String(variation.patternSeed), "mold": "10",
                    "life_color": variation.color, "mold_color": "0x204020"]
        }
    }

    /// Two drawtext filters: the label as literal text (no % expansion, so a prompt
    /// is drawn as written) and a running timecode with the frame number.
    private static func textOverlay(_ spec: MockVideoSpec) throws(MediaError) -> [(String, KeyValuePairs<String, String>)] {
        guard let text = spec.text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        guard FileManager.default.fileExists(atPath: fontPath) else {
            throw MediaError(.unsupported, "the font \(fontPath) is missing; install fonts-dejavu-core (scripts/install-deps.sh)")
        }
        // Sized so the timecode line (about 17 glyphs) fits the width of portrait frames too.
        let fontSize = max(8, min(spec.height / 18, spec.width / 12))
        let margin = max(2, spec.height / 30)
        let label = TextWrapping.wrap(text, width: spec.width - 2 * margin, fontSize: fontSize, maxLines: 4)
        let border = String(max(1, fontSize / 4))
        return [
            ("drawtext", ["fontfile": fontPath, "expansion": "none", "text": label, "fontsize": String(fontSize),
                          "fontcolor": "white", "x": String(margin), "y": String(margin),
                          "box": "1", "boxcolor": "black@0.55", "boxborderw": border]),
            ("drawtext", ["fontfile": fontPath, "expansion": "normal", "text": "%{pts:hms}  #%{frame_num}",
                          "fontsize": String(fontSize), "fontcolor": "white", "x": String(margin),
                          "y": "h-th-\(margin)",
                          "box": "1", "boxcolor": "black@0.55", "boxborderw": border]),
        ]
    }
}

/// Greedy word wrapping by an estimated glyph width (DejaVu Sans Bold averages ~0.62 em).
enum TextWrapping {
    static func wrap(_ text: String, width: Int, fontSize: Int, maxLines: Int) -> String {
        let perLine = max(4, Int(Double(width) / (Double(fontSize) * 0.62)))
        var lines: [String] = []
        var current = ""
        for word in text.split(whereSeparator: \.isWhitespace).map(String.init) {
            var word = word
            while word.count > perLine {  // a word longer than a line is cut
                if !current.isEmpty { lines.append(current); current = "" }
                lines.append(String(word.prefix(perLine)))
                word = String(word.dropFirst(perLine))
            }
            if current.isEmpty {
                current = word
            } else if current.count + 1 + word.count <= perLine {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty { lines.append(current) }
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            lines[maxLines - 1] = String(lines[maxLines - 1].prefix(max(1, perLine - 1))) + "…"
        }
        return lines.joined(separator: "\n")
    }
}
