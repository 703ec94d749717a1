import CFFmpeg
import Foundation

/// FFmpeg's own text for an error code.
func ffmpegErrorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    return buffer.withUnsafeMutableBufferPointer { pointer in
        String(cString: mf_error_string(code, pointer.baseAddress, pointer.count))
    }
}

let averrorEOF = mf_averror_eof()
let averrorEAGAIN = mf_averror_eagain()
let averrorInvalidData = mf_averror_invaliddata()
let noPTS = mf_nopts_value()

/// Checks an FFmpeg return code: negative codes become a `MediaError` whose message
/// says what we were doing, with FFmpeg's text and the last error it logged.
@discardableResult
func ffcheck(
    _ code: Int32, _ action: @autoclosure () -> String, path: String? = nil,
    kind: MediaError.Kind = .ffmpeg
) throws(MediaError) -> Int32 {
    guard code < 0 else { return code }
    throw ffmpegError(code, action(), path: path, kind: kind)
}

func ffmpegError(
    _ code: Int32, _ action: String, path: String? = nil,
    kind: MediaError.Kind = .ffmpeg
) -> MediaError {
    var detail = ffmpegErrorString(code)
    if let logged = FFmpegLog.lastError(), !logged.isEmpty, logged != detail {
        detail += ": \(logged)"
    }
    let subject = path.map { " (\($0))" } ?? ""
    return MediaError(
        kind, "\(action) failed\(subject)", path: path,
        ffmpegCode: code, ffmpegMessage: detail)
}

/// Turns a NULL from an FFmpeg allocator into a thrown error.
func ffalloc<T>(_ pointer: T?, _ what: String) throws(MediaError) -> T {
    guard let pointer else {
        throw MediaError(.ffmpeg, "out of memory allocating \(what)")
    }
    return pointer
}

/// A String from a NUL-terminated C buffer.
func string(fromCBuffer buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Seconds as FFmpeg's option parser reads them: fixed notation, never "1e-05".
func optionSeconds(_ seconds: Double) -> String {
    String(format: "%.6f", seconds)
}
