import Dispatch
import Foundation
import Media

/// Runs blocking media work so that Ctrl-C (SIGINT) or SIGTERM cancels it cleanly:
/// the work stops, removes its partial output, and the command exits with an error.
enum InterruptibleWork {
    static func run<T>(_ work: (CancellationFlag) throws -> T) throws -> T {
        let flag = CancellationFlag()
        let sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { flag.cancel() }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        return try work(flag)
    }
}
