import CFFmpeg
import Foundation

/// An opened input file (`AVFormatContext` for demuxing). Owns the context and
/// closes it exactly once; streams and their parameters are borrowed from it.
///
/// Every input opens under `InputPolicy` (the promised formats, local files only),
/// with an interrupt that stops FFmpeg on cancellation or a deadline, and with its
/// pictures held to `MediaLimits.maxPixels` before anything is decoded.
final class InputContainer {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String
    let sizeBytes: Int64
    /// Outlives `context`, whose interrupt callback points at it (released after deinit).
    private let interrupt: InputInterrupt
    /// The deadline all of this input's work shares; nil when each read gets
    /// `MediaLimits.readDeadline` of its own.
    let deadline: MediaDeadline?
    /// The flag that stops this input's work.
    let cancellation: CancellationFlag?

    /// Opens `path`. With a `deadline`, opening and every read must end by it (a probe);
    /// without, opening gets `MediaLimits.probeDeadline` and each read `readDeadline`.
    /// `cancellation` defaults to the flag of the media work running on this thread.
    init(path: String, cancellation: CancellationFlag? = nil, deadline: MediaDeadline? = nil) throws(MediaError) {
        self.path = path
        sizeBytes = try InputFileCheck.requireReadableFile(path)
        let head = try InputFileCheck.head(of: path)
        try InputPolicy.refuseIndirection(head: head, path: path)
        try PictureSizeLimit.requireStillImage(head: head, path: path)

        let flag = cancellation ?? CurrentCancellation.flag
        let interrupt = InputInterrupt(cancellation: flag)
        interrupt.arm(deadline ?? .after(MediaLimits.probeDeadline))
        self.interrupt = interrupt
        self.cancellation = flag
        self.deadline = deadline
        FFmpegLog.beginOperation()

        var opened: UnsafeMutablePointer<AVFormatContext>? = try ffalloc(avformat_alloc_context(), "an input context")
        opened?.pointee.interrupt_callback = interrupt.ffmpegCallback
        var options = OptionDictionary(InputPolicy.openOptions)
        // The "file:" prefix keeps a name such as "concat:a|b" from choosing a protocol.
        // A still image is read by its `*_pipe` demuxer, named from its signature: by the
        // name's extension FFmpeg would choose `image2` (sequences), which is not allowed.
        let stillFormat = InputPolicy.stillImageDemuxer(head: head).flatMap { av_find_input_format($0) }
        let openCode = avformat_open_input(&opened, "file:" + path, stillFormat, &options.pointer)
        // On failure FFmpeg has freed the context it was given and set `opened` to nil.
        guard openCode >= 0, let opened else {
            throw interrupt.error(path: path) ?? Self.openError(openCode, path: path)
        }
        // From here on `context` is set, so a throw runs deinit, which closes it.
        context = opened
        try options.requireAllUsed(by: "the demuxer", path: path)
        try requireDeclaredPictureSizes()

        // The decoders FFmpeg opens to fill in stream facts allocate no picture over the limit.
        let decoderOptions = try StreamOptions(
            streams: Int(opened.pointee.nb_streams),
            ["max_pixels": String(MediaLimits.maxPixels)])
        let infoCode = avformat_find_stream_info(opened, decoderOptions.pointer)
        if let stopped = interrupt.error(path: path) { throw stopped }
        if infoCode < 0 {
            throw Self.openError(infoCode, path: path)
        }
        guard opened.pointee.nb_streams > 0 else {
            throw MediaError(.notMedia, "\(path) holds no audio or video streams; it is not a media file", path: path)
        }
        try requireDeclaredPictureSizes()
        if let video = bestStream(AVMEDIA_TYPE_VIDEO),
            video.pointee.codecpar.pointee.width <= 0 || video.pointee.codecpar.pointee.height <= 0
        {
            throw MediaError(
                .unsupported,
                "\(path): the size of its pictures is unknown (FFmpeg could not decode one within the limit of "
                    + "\(PictureSizeLimit.limitText)); give a smaller or undamaged file", path: path,
                ffmpegMessage: FFmpegLog.lastError())
        }
    }

    deinit {
        var closing: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&closing)
    }

    /// Refuses a video stream (cover art aside) whose stated size exceeds the limit.
    private func requireDeclaredPictureSizes() throws(MediaError) {
        for stream in streams
        where stream.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
            && stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0
        {
            let parameters = stream.pointee.codecpar.pointee
            try PictureSizeLimit.require(width: Int(parameters.width), height: Int(parameters.height), path: path)
        }
    }

    var streams: [UnsafeMutablePointer<AVStream>] {
        (0..<Int(context.pointee.nb_streams)).compactMap { context.pointee.streams[$0] }
    }

    /// The main stream of a kind (skipping cover art), or nil when there is none.
    func bestStream(_ type: AVMediaType) -> UnsafeMutablePointer<AVStream>? {
        let index = av_find_best_stream(context, type, -1, -1, nil, 0)
        guard index >= 0, let stream = context.pointee.streams[Int(index)] else { return nil }
        if type == AVMEDIA_TYPE_VIDEO, stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0 {
            return streams.first {
                $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
                    && $0.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0
            }
        }
        return stream
    }

    /// Where a stream's timestamps start, in seconds (0 when the container does not say).
    func startSeconds(of stream: UnsafeMutablePointer<AVStream>) -> Double {
        stream.pointee.start_time == noPTS ? 0 : Double(stream.pointee.start_time) * av_q2d(stream.pointee.time_base)
    }

    /// Reads the next packet; false at the end of the file.
    func read(into packet: borrowing Packet) throws(MediaError) -> Bool {
        if deadline == nil { interrupt.arm(.after(MediaLimits.readDeadline)) }
        let code = av_read_frame(context, packet.pointer)
        // A stopped read can end in AVERROR_EXIT or look like the end of the file.
        if code < 0, let stopped = interrupt.error(path: path) { throw stopped }
        if code == averrorEOF { return false }
        try ffcheck(code, "reading \(path)", path: path, kind: .truncated)
        return true
    }

    /// Throws when the reads of this input were stopped by cancellation or the deadline,
    /// for callers that treat read errors as the end of a sample.
    func requireNotStopped() throws(MediaError) {
        if let stopped = interrupt.error(path: path) { throw stopped }
    }

    func seek(toSeconds seconds: Double) throws(MediaError) {
        if deadline == nil { interrupt.arm(.after(MediaLimits.readDeadline)) }
        guard let target = CheckedConversion.int64(seconds * Double(mf_time_base())) else {
            throw MediaError(.invalidArgument, "cannot seek \(path) to \(seconds) s", path: path)
        }
        let code = avformat_seek_file(context, -1, Int64.min, target, target, 0)
        if code < 0, let stopped = interrupt.error(path: path) { throw stopped }
        try ffcheck(code, "seeking to \(seconds) s", path: path)
    }

    /// A cut-short mp4/mov still starts with a box such as 'ftyp'; random bytes or text
    /// that merely carry an .mp4 name do not.
    private static func startsWithISOBox(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path),
            let head = try? handle.read(upToCount: 8), head.count == 8
        else { return false }
        try? handle.close()
        let boxType = String(decoding: head.suffix(4), as: UTF8.self)
        return ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"].contains(boxType)
    }

    private static func openError(_ code: Int32, path: String) -> MediaError {
        let logged = FFmpegLog.lastError() ?? ""
        if logged.contains("not on whitelist") {
            return InputPolicy.refusedFormat(path: path, ffmpegMessage: logged)
        }
        if logged.contains("moov atom not found"), startsWithISOBox(path) {
            return MediaError(
                .truncated,
                "\(path) is truncated or unfinished (its index, the 'moov' atom, is missing); re-download or re-export it",
                path: path, ffmpegCode: code, ffmpegMessage: logged)
        }
        if code == averrorInvalidData || code == mf_averror(Int32(EINVAL)) {
            return MediaError(
                .notMedia,
                "\(path) is not a media file FFmpeg can read; give a video or audio file (mp4, mkv, webm, mov, mp3, wav, ...)",
                path: path, ffmpegCode: code, ffmpegMessage: ffmpegErrorString(code) + (logged.isEmpty ? "" : ": \(logged)"))
        }
        if code == mf_averror(Int32(ENOENT)) {
            return MediaError(.fileNotFound, "no such file: \(path); check the path", path: path)
        }
        if code == mf_averror(Int32(EACCES)) {
            return MediaError(.unreadable, "cannot read \(path): permission denied", path: path)
        }
        return ffmpegError(code, "opening \(path)", path: path, kind: .notMedia)
    }
}
