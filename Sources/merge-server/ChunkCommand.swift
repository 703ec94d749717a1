import ArgumentParser
import Foundation
import Media

/// `merge-server chunk`: the steps of a chunked render one at a time, from a plan file
/// (`render --chunk-plan`), so separate processes or machines can each take a part.
struct ChunkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chunk",
        abstract: "Render one chunk, the sound, or the join of a chunk plan (render --chunk-plan PLAN writes one).",
        subcommands: [VideoStep.self, AudioStep.self, JoinStep.self]
    )

    /// `merge-server chunk video PLAN --index I -o FILE`
    struct VideoStep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "video", abstract: "Render one chunk's video (no sound).")

        @Argument(help: "The chunk plan (JSON).") var plan: String
        @Option(help: "Which chunk (0-based).") var index: Int
        @Option(name: .shortAndLong, help: "The chunk file, in the plan's container.") var output: String

        func run() async throws {
            let chunkPlan = try ChunkFiles.read(plan)
            guard chunkPlan.chunks.indices.contains(index) else {
                throw CommandFailure(message: "--index \(index): the plan has chunks 0…\(chunkPlan.chunks.count - 1)", exitCode: 64)
            }
            let chunk = chunkPlan.chunks[index]
            let output = output
            _ = try await InterruptibleWork.run("chunk") { cancellation throws(MediaError) in
                try TimelineRenderer.renderChunk(chunk, of: chunkPlan, to: output, cancellation: cancellation)
            }
        }
    }

    /// `merge-server chunk audio PLAN -o FILE`: the SoundtrackRender as JSON on stdout.
    struct AudioStep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "audio", abstract: "Render the whole timeline's sound once (no picture).")

        @Argument(help: "The chunk plan (JSON).") var plan: String
        @Option(name: .shortAndLong, help: "The sound file, in the plan's container.") var output: String

        func run() async throws {
            let chunkPlan = try ChunkFiles.read(plan)
            let output = output
            let rendered = try await InterruptibleWork.run("audio") { cancellation throws(MediaError) in
                try TimelineRenderer.renderSoundtrack(chunkPlan.plan, to: output, cancellation: cancellation)
            }
            print(String(decoding: try ChunkFiles.encoder.encode(rendered), as: UTF8.self))
        }
    }

    /// `merge-server chunk join PLAN --audio FILE -o OUT CHUNK...`
    struct JoinStep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "join", abstract: "Join the chunk files and the sound by stream copy.")

        @Argument(help: "The chunk plan (JSON).") var plan: String
        @Argument(help: "The chunk files, in order.") var chunks: [String]
        @Option(help: "The sound file (chunk audio).") var audio: String
        @Option(name: .shortAndLong, help: "The finished video.") var output: String

        func run() async throws {
            let chunkPlan = try ChunkFiles.read(plan)
            let (chunks, output) = (chunks, output)
            let soundtrack = SoundtrackRender(path: audio)
            let result = try await InterruptibleWork.run("join") { cancellation throws(MediaError) in
                try ChunkJoiner.join(chunkPlan, chunks: chunks, soundtrack: soundtrack, to: output, cancellation: cancellation)
            }
            print(String(decoding: try ChunkFiles.encoder.encode(result), as: UTF8.self))
        }
    }
}

/// Chunk plans on disk, as JSON.
enum ChunkFiles {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static func write(_ plan: ChunkPlan, to path: String) throws {
        do {
            try encoder.encode(plan).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure(message: "cannot write the chunk plan \(path): \(error.localizedDescription)")
        }
        let frames = plan.chunks.map { "\($0.startFrame)..<\($0.endFrame) (\($0.boundary.rawValue))" }.joined(separator: ", ")
        FileHandle.standardError.write(Data("\(plan.chunks.count) chunks: \(frames)\n".utf8))
    }

    static func read(_ path: String) throws -> ChunkPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(message: "cannot read the chunk plan \(path); write one with render --chunk-plan")
        }
        do {
            return try JSONDecoder().decode(ChunkPlan.self, from: data)
        } catch {
            throw CommandFailure(message: "\(path) is not a chunk plan: \(error)")
        }
    }
}
