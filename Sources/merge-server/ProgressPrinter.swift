import Foundation
import Media
import MergeServer

/// Render progress for people (a bar on the terminal) or programs (JSON lines).
struct ProgressPrinter: Sendable {
    let json: Bool

    var print: ProgressHandler {
        let json = json
        return { progress in
            if json {
                let eta = progress.etaSeconds.map { String(format: "%.1f", $0) } ?? "null"
                FileHandle.standardOutput.write(
                    Data(
                        String(
                            format: "{\"event\":\"progress\",\"stage\":\"%@\",\"progress\":%.4f,\"eta_seconds\":%@}\n",
                            progress.stage, progress.fraction, eta
                        ).utf8))
            } else {
                let width = 30
                let filled = Int(progress.fraction * Double(width))
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
                let eta = progress.etaSeconds.map { String(format: " eta %.0fs", $0) } ?? ""
                FileHandle.standardError.write(
                    Data(
                        String(
                            format: "\r%@ [%@] %3.0f%%%@   ", progress.stage, bar,
                            progress.fraction * 100, eta
                        ).utf8))
            }
        }
    }

    func finish(_ result: RenderResult) {
        let summary = String(
            format: "wrote %@: %.2f s, %dx%d@%g, %@ in %.2f s (%.1fx realtime)",
            result.path, result.duration, result.width, result.height, result.fps,
            ByteCount.format(Int(result.sizeBytes)), result.elapsedSeconds,
            result.duration / max(result.elapsedSeconds, 0.001))
        let extras = (result.outputs ?? []).map { "\n  \($0.kind.rawValue): \($0.path)" }.joined()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = (try? encoder.encode(result)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            Swift.print("{\"event\":\"done\",\"summary\":\(jsonString(summary)),\"result\":\(body)}")
        } else {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            Swift.print(summary + extras)
        }
    }

    private func jsonString(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = (try? encoder.encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
