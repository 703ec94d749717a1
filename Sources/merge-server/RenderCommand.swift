import ArgumentParser
import Foundation
import Media
import MergeServer

/// `merge-server render`: clips (or a timeline file) into one finished video.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render clips, or a timeline JSON file, into one video (see the README, \"Timeline\")."
    )

    @Option(name: .shortAndLong, help: "The file to write (.mp4 .mkv .webm .mov).")
    var output: String

    @Option(help: "A timeline JSON file; the flags below override its settings.")
    var timeline: String?

    @Argument(help: "Clip files, in order (instead of, or after, the timeline's clips).")
    var clips: [String] = []

    @Option(help: "A song to use as the soundtrack.")
    var audio: String?

    @Option(help: "The transition at every join, TYPE:SECONDS (fade:0.5, wipeleft:0.4, cut).")
    var transition: TransitionOption?

    @Option(help: "overlap (transitions shorten the video) or preserve (joins stay where cuts would be).")
    var timing: TimingMode?

    @Option(help: "Output size WIDTHxHEIGHT (default: the first clip's).")
    var size: FrameSize?

    @Option(parsing: .unconditional, help: "Output frames per second (default: the first clip's).")
    var fps: Double?

    @Option(help: "How clips of another shape fill the frame: contain, cover or blur.")
    var fit: FitMode?

    @Option(parsing: .unconditional, help: "Target loudness in LUFS (default -14 with a soundtrack).")
    var loudness: Double?

    @Option(name: .customLong("beat-sync"), help: "Snap joins to the song's beat or downbeat.")
    var beatSync: BeatSync.Mode?

    @Option(help: "An SRT or WebVTT file of captions or lyrics, burned into the picture (or a track: --soft-captions).")
    var captions: String?

    @Flag(name: .customLong("soft-captions"), help: "Carry the captions as a subtitle track players switch on, not burned in.")
    var softCaptions = false

    @Flag(name: .customLong("json-progress"), help: "Progress and the result as JSON lines on stdout.")
    var jsonProgress = false

    @Option(help: "Render the video as chunks, N at a time, joined by stream copy (the sound is rendered once).")
    var parallel: Int = 1

    @Option(
        name: .customLong("chunk-seconds"), parsing: .unconditional,
        help: "Chunk length for --parallel and --chunk-plan (default: MERGE_SERVER_CHUNK_SECONDS, else 120).")
    var chunkSeconds: Double?

    @Option(name: .customLong("chunk-plan"), help: "Write the chunk plan as JSON to FILE and stop (see `merge-server chunk`).")
    var chunkPlan: String?

    func run() async throws {
        guard parallel >= 1 else { throw CommandFailure(message: "--parallel \(parallel): give at least 1", exitCode: 64) }
        let request = try buildTimeline()
        let plan = try TimelinePlanner.plan(request.timeline, outputPath: output, resolve: request.resolve)
        let seconds = try chunkSeconds ?? ChunkPlanner.chunkSeconds()
        if let chunkPlan {
            try ChunkFiles.write(try ChunkPlanner.plan(plan, chunkSeconds: seconds), to: chunkPlan)
            return
        }
        let reporter = ProgressPrinter(json: jsonProgress || isatty(STDERR_FILENO) == 0)
        let output = output
        var result: RenderResult
        if parallel > 1 {
            let executor = MediaExecutor(name: "render", width: parallel)
            result = try await InterruptibleWork.run { () async throws(MediaError) in
                try await ChunkedRenderer.render(plan, to: output, chunkSeconds: seconds, on: executor, progress: reporter.print)
            }
        } else {
            result = try await InterruptibleWork.run("render") { cancellation throws(MediaError) in
                try TimelineRenderer.render(plan, to: output, progress: reporter.print, cancellation: cancellation)
            }
        }
        if let extras = plan.extras {
            // Beside the video: out.poster.jpg, out.sprite.jpg + out.sprite.vtt, out.preview.gif, out.mp3.
            let stem = (output as NSString).deletingPathExtension
            do {
                result.outputs = try await InterruptibleWork.run("outputs") { cancellation throws(MediaError) in
                    try ExtraOutputWriter.write(extras, from: output, stem: stem, cancellation: cancellation)
                }
            } catch {
                // All or nothing: the video goes with the files that could not be made.
                unlink(output)
                throw error
            }
        }
        reporter.finish(result)
    }

    /// The timeline from the file and the flags, and how to find its sources.
    private func buildTimeline() throws -> (timeline: Timeline, resolve: @Sendable (String) throws(MediaError) -> String) {
        var timeline = Timeline(clips: [])
        var baseDirectory: String?
        if let timelinePath = self.timeline {
            timeline = try TimelineFile.load(timelinePath)
            baseDirectory = URL(fileURLWithPath: timelinePath).deletingLastPathComponent().path
        }
        timeline.clips += clips.map { Clip(source: $0) }
        if let audio {
            var soundtrack = timeline.audio ?? Soundtrack()
            soundtrack.source = audio
            soundtrack.clipAudio = timeline.audio?.clipAudio ?? .mute
            timeline.audio = soundtrack
        }
        if let loudness {
            var soundtrack = timeline.audio ?? Soundtrack(clipAudio: .mix)
            soundtrack.loudness = loudness
            timeline.audio = soundtrack
        }
        if let transition {
            timeline.transition = transition.transition
            timeline.transitions = nil
        }
        if let timing { timeline.timing = timing }
        if let size {
            timeline.output.width = size.width
            timeline.output.height = size.height
        }
        if let fps { timeline.output.fps = fps }
        if let fit { timeline.output.fit = fit }
        if let beatSync { timeline.beatSync = BeatSync(mode: beatSync) }
        if let captions { timeline.captions = Captions(source: captions) }
        if softCaptions {
            guard timeline.captions != nil else {
                throw CommandFailure(message: "--soft-captions: give the captions with --captions FILE (or in the timeline)", exitCode: 64)
            }
            timeline.captions?.burn = false
        }
        return (timeline, { [baseDirectory] source throws(MediaError) in try SourcePath.resolve(source, relativeTo: baseDirectory) })
    }
}

/// `--transition fade:0.5`, `--transition cut`.
struct TransitionOption: ExpressibleByArgument {
    let transition: Transition

    init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
        guard let type = parts.first, !type.isEmpty else { return nil }
        if parts.count == 2 {
            guard let seconds = Double(parts[1]) else { return nil }
            transition = Transition(type: type, duration: seconds)
        } else {
            transition = Transition(type: type)
        }
    }
}

extension TimingMode: ExpressibleByArgument {}
extension FitMode: ExpressibleByArgument {}
extension BeatSync.Mode: ExpressibleByArgument {}

/// Reads a timeline JSON file, with errors that name the field and the line.
enum TimelineFile {
    static func load(_ path: String) throws -> Timeline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(message: "cannot read the timeline \(path); check the path")
        }
        let timeline: Timeline
        do {
            timeline = try JSONDecoder().decode(Timeline.self, from: data)
        } catch let error as DecodingError {
            throw CommandFailure(message: "the timeline \(path) is not valid: \(describe(error))")
        }
        if let unknown = Timeline.unknownFields(in: data).first {
            throw CommandFailure(message: "the timeline \(path) is not valid: \(unknown.field): \(unknown.message)")
        }
        return timeline
    }

    static func describe(_ error: DecodingError) -> String {
        let problem = DecodingProblem.fieldProblem(error)
        return problem.field.isEmpty ? problem.message : "\(problem.field) \(problem.message)"
    }
}

/// Command-line sources are paths; relative ones are found beside the timeline file first.
enum SourcePath {
    static func resolve(_ source: String, relativeTo directory: String?) throws(MediaError) -> String {
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            throw MediaError(.invalidArgument, "\(source): the command line renders local files; download it first (the server fetches URLs)")
        }
        if let directory, !source.hasPrefix("/") {
            let besideTimeline = URL(fileURLWithPath: directory).appendingPathComponent(source).path
            if FileManager.default.fileExists(atPath: besideTimeline) { return besideTimeline }
        }
        return source
    }
}
