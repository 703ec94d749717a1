import CFFmpeg
import Foundation

/// An output file being muxed. It is written to a hidden temporary file beside the
/// destination and renamed into place by `finish()`; if the writer is dropped
/// before that (error, cancellation), the temporary file is removed. So a failed
/// write never leaves a partial file at the destination.
final class OutputContainer {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String
    let temporaryPath: String
    /// What the errors call the format (mp4, gif, ...), and the muxer's options.
    private let formatName: String
    private let muxerOptions: [String: String]
    private var fileOpen = false
    private var finished = false

    convenience init(path: String, format: ContainerFormat) throws(MediaError) {
        try self.init(path: path, muxer: format.muxerName, options: format.muxerOptions, name: format.rawValue)
    }

    /// A file of any muxer FFmpeg has (`gif`, `webp`, `mp3` for a render's extra files).
    init(path: String, muxer: String, options: [String: String], name: String) throws(MediaError) {
        try Self.checkWritableDestination(path)
        FFmpegLog.beginOperation()
        self.path = path
        formatName = name
        muxerOptions = options
        let url = URL(fileURLWithPath: path)
        temporaryPath =
            url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid())-\(UInt32.random(in: 0...UInt32.max)).partial").path

        var allocated: UnsafeMutablePointer<AVFormatContext>?
        let code = avformat_alloc_output_context2(&allocated, nil, muxer, temporaryPath)
        guard code >= 0, let allocated else {
            throw ffmpegError(code, "setting up the \(name) muxer", path: path)
        }
        context = allocated
    }

    deinit {
        if fileOpen {
            avio_closep(&context.pointee.pb)
        }
        if !finished {
            unlink(temporaryPath)
        }
        avformat_free_context(context)
    }

    var needsGlobalHeader: Bool {
        (context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER) != 0
    }

    /// Adds a stream carrying what `encoder` produces.
    func addStream(for encoder: StreamEncoder) throws(MediaError) -> UnsafeMutablePointer<AVStream> {
        let stream = try ffalloc(avformat_new_stream(context, nil), "an output stream")
        try ffcheck(
            avcodec_parameters_from_context(stream.pointee.codecpar, encoder.context),
            "copying encoder parameters", path: path)
        stream.pointee.time_base = encoder.context.pointee.time_base
        if encoder.context.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
            stream.pointee.avg_frame_rate = encoder.context.pointee.framerate
        }
        return stream
    }

    /// Adds a stream whose packets are copied as they are, with `parameters`.
    func addStream(
        copying parameters: CopiedParameters, timeBase: AVRational,
        frameRate: AVRational
    ) throws(MediaError) -> UnsafeMutablePointer<AVStream> {
        let stream = try ffalloc(avformat_new_stream(context, nil), "an output stream")
        try ffcheck(avcodec_parameters_copy(stream.pointee.codecpar, parameters.pointer), "copying stream parameters", path: path)
        stream.pointee.codecpar.pointee.codec_tag = 0  // let the muxer pick its own tag (avc1, hvc1, ...)
        stream.pointee.time_base = timeBase
        stream.pointee.avg_frame_rate = frameRate
        return stream
    }

    func writeHeader() throws(MediaError) {
        let openCode = avio_open(&context.pointee.pb, temporaryPath, AVIO_FLAG_WRITE)
        guard openCode >= 0 else {
            throw ffmpegError(openCode, "creating \(path)", path: path, kind: .outputNotWritable)
        }
        fileOpen = true
        var options = OptionDictionary(muxerOptions)
        try ffcheck(avformat_write_header(context, &options.pointer), "writing the \(formatName) header", path: path)
        try options.requireAllUsed(by: "the \(formatName) muxer", path: path)
    }

    /// Writes an encoded packet whose timestamps are in `sourceTimeBase`; takes its data.
    func write(
        _ packet: borrowing Packet, from sourceTimeBase: AVRational,
        to stream: UnsafeMutablePointer<AVStream>
    ) throws(MediaError) {
        av_packet_rescale_ts(packet.pointer, sourceTimeBase, stream.pointee.time_base)
        packet.pointer.pointee.stream_index = stream.pointee.index
        try ffcheck(
            av_interleaved_write_frame(context, packet.pointer), "writing \(path)",
            path: path, kind: .outputNotWritable)
    }

    /// Writes the trailer, closes the file and moves it into place durably (flushed
    /// before the rename, its directory after), so a crash never leaves the name
    /// pointing at a file whose bytes were lost.
    func finish() throws(MediaError) {
        try ffcheck(av_write_trailer(context), "finishing \(path)", path: path, kind: .outputNotWritable)
        try ffcheck(avio_closep(&context.pointee.pb), "closing \(path)", path: path, kind: .outputNotWritable)
        fileOpen = false
        do {
            try DurableFile.move(temporaryPath, to: path)
        } catch {
            throw MediaError(.outputNotWritable, "cannot move the finished file to \(path): \(error)", path: path)
        }
        finished = true
    }

    static func checkWritableDestination(_ path: String) throws(MediaError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MediaError(
                .outputNotWritable,
                "the output directory \(directory) does not exist; create it first (mkdir -p \(directory))", path: path)
        }
        guard access(directory, W_OK) == 0 else {
            throw MediaError(.outputNotWritable, "cannot write into \(directory): permission denied; choose another output directory", path: path)
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw MediaError(.outputNotWritable, "the output \(path) is a directory; give a file name such as \(path)/out.mp4", path: path)
        }
    }
}
