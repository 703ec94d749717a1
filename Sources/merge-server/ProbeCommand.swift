import ArgumentParser
import Foundation
import Media
import MergeServer

/// `merge-server probe FILE...`: container and stream facts as JSON.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Print container and stream facts as JSON (an array when several files are given)."
    )

    @Argument(help: "Media files to inspect.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file to probe") }
    }

    func run() throws {
        // Probe every file before printing, so a failure leaves stdout empty.
        let results = try files.map { path throws(MediaError) in try MediaProbe.probe(path) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = results.count == 1 ? try encoder.encode(results[0]) : try encoder.encode(results)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
