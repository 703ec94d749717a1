import ArgumentParser
import Foundation
import Media
import MergeServer

/// `merge-server`: the root command. Subcommands hold the work.
@main
struct MergeServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-server",
        abstract: "Merge, beat-sync and serve AI-generated video clips.",
        version: MergeServerVersion.current,
        subcommands: [
            MockCommand.self, ProbeCommand.self, RenderCommand.self, ChunkCommand.self, BeatsCommand.self, ServeCommand.self, WorkerCommand.self,
            KeysCommand.self, URLSecretCommand.self,
        ]
    )

    /// Parses and runs; every failure becomes one `error: …` line on stderr and a
    /// non-zero exit code.
    static func main() async {
        Foundation.exit(await runMain(Array(CommandLine.arguments.dropFirst())))
    }

    static func runMain(_ arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as MediaError {
            printError(error.description)
            return 1
        } catch let error as CommandFailure {
            printError(error.message)
            return error.exitCode
        } catch {
            let exitCode = self.exitCode(for: error)
            if exitCode == .success {  // --help, --version
                print(fullMessage(for: error))
                return 0
            }
            let message = self.message(for: error)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            printError("\(message.isEmpty ? "invalid arguments" : message) (see merge-server help)")
            return exitCode.rawValue
        }
    }

    static func printError(_ message: String) {
        let oneLine = message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("error: \(oneLine)\n".utf8))
    }
}

/// A failure a command reports itself, with its exit code.
struct CommandFailure: Error {
    let message: String
    var exitCode: Int32 = 1
}
