import CFFmpeg
import Foundation

/// An opened input file (`AVFormatContext` for demuxing). Owns the context and
/// closes it exactly once; streams and their parameters are borrowed from it.
final class InputContainer {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String
    let sizeBytes: Int64

    init(path: String) throws(MediaError) {
        self.path = path
        sizeBytes = try InputFileCheck.requireReadableFile(path)
        FFmpegLog.beginOperation()

        var opened: UnsafeMutablePointer<AVFormatContext>?
        let openCode = avformat_open_input(&opened, path, nil, nil)
        guard openCode >= 0, let opened else {
            throw Self.openError(openCode, path: path)
        }
        // From here on `context` is set, so a throw runs deinit, which closes it.
        context = opened
        let infoCode = avformat_find_stream_info(opened, nil)
        if infoCode < 0 {
            throw Self.openError(infoCode, path: path)
        }
        // The tty demuxer turns any text file into an "ansi" video; text is not media here.
        guard opened.pointee.nb_streams > 0, String(cString: opened.pointee.iformat.pointee.name) != "tty" else {
            throw MediaError(.notMedia, "\(path) holds no audio or video streams; it is not a media file", path: path)
        }
    }

    deinit {
        var closing: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&closing)
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
        let code = av_read_frame(context, packet.pointer)
        if code == averrorEOF { return false }
        try ffcheck(code, "reading \(path)", path: path, kind: .truncated)
        return true
    }

    func seek(toSeconds seconds: Double) throws(MediaError) {
        let target = Int64(seconds * Double(mf_time_base()))
        try ffcheck(avformat_seek_file(context, -1, Int64.min, target, target, 0),
                    "seeking to \(seconds) s", path: path)
    }

    /// A cut-short mp4/mov still starts with a box such as 'ftyp'; random bytes or text
    /// that merely carry an .mp4 name do not.
    private static func startsWithISOBox(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path),
              let head = try? handle.read(upToCount: 8), head.count == 8 else { return false }
        try? handle.close()
        let boxType = String(decoding: head.suffix(4), as: UTF8.self)
        return ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"].contains(boxType)
    }

    private static func openError(_ code: Int32, path: String) -> MediaError {
        let logged = FFmpegLog.lastError() ?? ""
        if logged.contains("moov atom not found"), startsWithISOBox(path) {
            return MediaError(.truncated,
                              "\(path) is truncated or unfinished (its index, the 'moov' atom, is missing); re-download or re-export it",
                              path: path, ffmpegCode: code, ffmpegMessage: logged)
        }
        if code == averrorInvalidData || code == mf_averror(Int32(EINVAL)) {
            return MediaError(.notMedia,
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
