import CFFmpeg
import Foundation

/// Writes mock (test-pattern) still pictures as PNG: libavfilter draws one frame,
/// libavcodec's png encoder encodes it, and the bytes go to a temporary file beside
/// the destination that is renamed into place only when complete.
public enum MockImageSynthesizer {
    /// Writes `spec` to `path` as PNG (whatever the extension). Blocking: call it from a
    /// thread of its own, or use the async overload.
    public static func write(
        _ spec: MockImageSpec, to path: String,
        cancellation: CancellationFlag? = nil
    ) throws(MediaError) {
        let problems = spec.problems
        guard problems.isEmpty else {
            throw MediaError(.invalidArgument, problems.joined(separator: "; "), path: path)
        }
        try OutputContainer.checkWritableDestination(path)
        FFmpegLog.beginOperation()
        let png = try encode(spec, cancellation: cancellation)
        if cancellation?.isCancelled == true { throw MediaError.cancelled(path) }
        try writeAtomically(png, to: path)
    }

    /// Writes `spec` on `executor`; cancelling the task stops it and leaves no file.
    public static func write(_ spec: MockImageSpec, to path: String, on executor: MediaExecutor) async throws(MediaError) {
        try await executor.run("mock-image") { flag throws(MediaError) in
            try write(spec, to: path, cancellation: flag)
        }
    }

    /// PNG bytes of the one frame the graph draws.
    private static func encode(_ spec: MockImageSpec, cancellation: CancellationFlag?) throws(MediaError) -> [UInt8] {
        let pixelFormat = spec.pixelFormat == .rgba ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24
        let (graph, sink) = try MockFilterGraphs.image(spec)
        let encoder = try StreamEncoder(
            image: "png", width: Int32(spec.width), height: Int32(spec.height),
            pixelFormat: pixelFormat)
        let frame = try Frame()
        guard try graph.pull(from: sink, into: frame) == .frame else {
            throw MediaError(.ffmpeg, "the \(spec.pattern.rawValue) pattern gave no picture")
        }
        let got = frame.pointer.pointee
        guard got.width == Int32(spec.width), got.height == Int32(spec.height), got.format == pixelFormat.rawValue else {
            throw MediaError(
                .ffmpeg,
                "the filter graph drew a \(got.width)x\(got.height) picture in format \(got.format), "
                    + "not \(spec.width)x\(spec.height) \(spec.pixelFormat.rawValue)")
        }
        frame.pts = 0
        return try encoder.encodePicture(frame.pointer, name: "png")
    }

    /// A hidden temporary file beside `path`, renamed over it: readers never see a partial picture.
    /// (A render's extra pictures are written the same way.)
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(MediaError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid())-\(UInt32.random(in: 0...UInt32.max)).partial").path
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        } catch {
            unlink(temporary)
            throw MediaError(.outputNotWritable, "cannot write \(path): \(error.localizedDescription)", path: path)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw MediaError(.outputNotWritable, "cannot move the finished picture to \(path): \(reason)", path: path)
        }
    }
}
