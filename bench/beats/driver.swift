// A stand-in for `merge-server beats FILE --json` that links Media alone, so the beat bench
// can run after `swift build -c release --target Media` (minutes) instead of the whole server
// (far longer on a shared machine). bench/beats/build-driver.sh compiles it; point
// MERGE_SERVER at the result. Same analysis, same JSON keys as BeatsOutput without scenes.
import Foundation
import Media

let arguments = CommandLine.arguments
guard arguments.count >= 3, arguments[1] == "beats" else {
    FileHandle.standardError.write(Data("usage: beats-driver beats FILE [--json]\n".utf8))
    exit(64)
}
do {
    let analysis = try BeatTracker.analyze(arguments[2])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    FileHandle.standardOutput.write(try encoder.encode(analysis) + Data("\n".utf8))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
