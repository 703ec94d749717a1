import CFFmpeg
import Foundation
import Synchronization

/// Routes FFmpeg's log away from stderr and remembers the last error each thread
/// logged, so a failing call can report FFmpeg's own explanation ("moov atom not
/// found") instead of a bare error code. Set `MERGE_SERVER_FFMPEG_LOG=debug|info|warning`
/// to see FFmpeg's log on stderr while debugging.
enum FFmpegLog {
    private static let lastErrors = Mutex<[UInt: String]>([:])
    private static let echoLevel: Int32 = {
        switch ProcessInfo.processInfo.environment["MERGE_SERVER_FFMPEG_LOG"]?.lowercased() {
        case "debug": AV_LOG_DEBUG
        case "verbose": AV_LOG_VERBOSE
        case "info": AV_LOG_INFO
        case "warning": AV_LOG_WARNING
        case "error": AV_LOG_ERROR
        default: AV_LOG_QUIET
        }
    }()

    /// Installs the callback once; every Media entry point calls this.
    static let install: Void = {
        _ = echoLevel
        av_log_set_callback { _, level, format, arguments in
            guard let format, let arguments, level <= AV_LOG_WARNING || level <= FFmpegLog.echoLevel else { return }
            var buffer = [CChar](repeating: 0, count: 1024)
            _ = buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
            let text = string(fromCBuffer: buffer).trimmingCharacters(in: .whitespacesAndNewlines)
            if level <= AV_LOG_ERROR, !text.isEmpty {
                FFmpegLog.lastErrors.withLock { $0[FFmpegLog.threadKey] = text }
            }
            if level <= FFmpegLog.echoLevel {
                FileHandle.standardError.write(Data("[ffmpeg] \(text)\n".utf8))
            }
        }
    }()

    private static var threadKey: UInt { UInt(bitPattern: Int(pthread_self())) }

    /// Forgets this thread's last error; call before an operation whose errors you report.
    static func beginOperation() {
        _ = install
        lastErrors.withLock { $0[threadKey] = nil }
    }

    static func lastError() -> String? {
        lastErrors.withLock { $0[threadKey] }
    }
}
