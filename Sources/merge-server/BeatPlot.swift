import Foundation
import Media
import MergeServer

/// An SVG of a beat analysis, readable in a browser: the waveform, the onset envelope
/// under it, beats as thin lines and downbeats as thick ones, with a time axis.
enum BeatPlot {
    static func svg(_ analysis: BeatAnalysis, trace: BeatAnalysisTrace, title: String) -> String {
        let width = 1600.0
        let height = 360.0
        let margin = 40.0
        let plotWidth = width - 2 * margin
        let duration = max(analysis.duration, 0.001)
        func x(_ seconds: Double) -> Double { margin + seconds / duration * plotWidth }

        // One point per pixel column: the loudest frame in it.
        func columns(_ values: [Float]) -> [Double] {
            let count = Int(plotWidth)
            return (0..<count).map { column in
                let from = column * values.count / count
                let to = max(from + 1, (column + 1) * values.count / count)
                return Double(values[min(from, values.count - 1)..<min(to, values.count)].max() ?? 0)
            }
        }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(margin)" y="20" font-size="14">\(escape(title)) — \(String(format: "%.1f BPM, %d beats per bar, confidence %.2f", analysis.tempo, analysis.beatsPerBar, analysis.confidence))</text>

            """
        if !trace.waveform.isEmpty {
            let wave = columns(trace.waveform).enumerated().map { i, v in
                String(format: "M%.1f %.1fV%.1f", margin + Double(i), 120 - v * 80, 120 + v * 80)
            }.joined()
            svg += "<path d=\"\(wave)\" stroke=\"#5b7fa6\" stroke-width=\"1\" fill=\"none\"/>\n"
            let onset = columns(trace.onsetEnvelope).enumerated().map { i, v in
                String(format: "%@%.1f %.1f", i == 0 ? "M" : "L", margin + Double(i), 320 - v * 100)
            }.joined()
            svg += "<path d=\"\(onset)\" stroke=\"#d9822b\" stroke-width=\"1\" fill=\"none\"/>\n"
        }
        for beat in analysis.beats {
            svg += String(
                format: "<line x1=\"%.1f\" y1=\"35\" x2=\"%.1f\" y2=\"325\" stroke=\"#2a9d4b\" stroke-width=\"0.6\" opacity=\"0.7\"/>\n", x(beat),
                x(beat))
        }
        for downbeat in analysis.downbeats {
            svg += String(
                format: "<line x1=\"%.1f\" y1=\"35\" x2=\"%.1f\" y2=\"325\" stroke=\"#c0392b\" stroke-width=\"2\"/>\n", x(downbeat), x(downbeat))
        }
        let step = duration > 120 ? 30.0 : duration > 30 ? 5.0 : 1.0
        for tick in stride(from: 0.0, through: duration, by: step) {
            svg += String(format: "<text x=\"%.1f\" y=\"345\" text-anchor=\"middle\">%gs</text>\n", x(tick), tick)
        }
        svg += """
            <text x="\(margin)" y="\(height - 2)" fill="#555">waveform (blue), onset envelope (orange), beats (green), downbeats (red)</text>
            </svg>

            """
        return svg
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
