import ArgumentParser
import Foundation
import Media
import MergeServer

/// `merge-server beats SONG`: tempo, beats, downbeats, meter and confidence.
struct BeatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beats",
        abstract: "Find a song's tempo, beats and downbeats (any audio file, or a video's sound)."
    )

    @Argument(help: "The song.")
    var song: String

    @Flag(help: "Print the analysis as JSON.")
    var json = false

    @Option(help: "Also draw the waveform, onset envelope, beats and downbeats as SVG.")
    var plot: String?

    @Option(
        name: .customLong("scene-durations"),
        help: "Plan scenes for a model that makes clips of these seconds (e.g. 5,10): slots between downbeats.")
    var sceneDurations: String?

    func run() async throws {
        let song = song
        let (analysis, trace) = try await InterruptibleWork.run("beats") { cancellation throws(MediaError) in
            try BeatTracker.analyzeWithTrace(song, cancellation: cancellation)
        }
        if let plot {
            try BeatPlot.svg(analysis, trace: trace, title: URL(fileURLWithPath: song).lastPathComponent)
                .write(to: URL(fileURLWithPath: plot), atomically: true, encoding: .utf8)
        }
        let scenes = try sceneDurations.map { text throws -> [SceneSlotPlanner.Slot] in
            let durations = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !durations.isEmpty, durations.allSatisfy({ $0 > 0 }) else {
                throw CommandFailure(message: "--scene-durations takes positive seconds separated by commas, e.g. 5,10", exitCode: 64)
            }
            return try SceneSlotPlanner.plan(analysis, durations: durations)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(BeatsOutput(analysis: analysis, scenes: scenes))
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        } else if analysis.beats.isEmpty {
            print(String(format: "%@: no steady beat found (%.1f s)", song, analysis.duration))
        } else {
            print(
                String(
                    format: "%@: %.1f BPM, %d/4, %d beats, %d bars, confidence %.2f (%.1f s)",
                    song, analysis.tempo, analysis.beatsPerBar, analysis.beats.count, analysis.downbeats.count,
                    analysis.confidence, analysis.duration))
            for slot in scenes ?? [] {
                print(
                    String(
                        format: "scene %d: %.2f–%.2f s (%.2f s; generate %g s)", slot.index, slot.start, slot.end,
                        slot.duration, slot.generateDuration))
            }
        }
    }
}
