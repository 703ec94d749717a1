import CFFmpeg
import Foundation

/// A render's captions as a soft subtitle track: mov_text in MP4/MOV, WebVTT in WebM,
/// SubRip in MKV. libavcodec's subtitle encoders take ASS events, so each cue is handed
/// over as one, its text escaped so nothing in it reads as ASS markup. The cues are
/// few and small: all are written after the header, and the muxer interleaves them.
final class SubtitleTrack {
    private let encoder: UnsafeMutablePointer<AVCodecContext>
    private let stream: UnsafeMutablePointer<AVStream>
    private let cues: [CaptionCue]
    private static let timeBase = AVRational(num: 1, den: 1000)

    /// nil when the plan has no captions to carry as a track.
    static func add(for plan: RenderPlan, to output: OutputContainer) throws(MediaError) -> SubtitleTrack? {
        guard let captions = plan.captions, !captions.burn, !captions.cues.isEmpty else { return nil }
        return try SubtitleTrack(captions.cues, container: plan.container, output: output)
    }

    private init(_ cues: [CaptionCue], container: ContainerFormat, output: OutputContainer) throws(MediaError) {
        let name = Self.encoderName(for: container)
        guard let codec = avcodec_find_encoder_by_name(name) else {
            throw MediaError(.unsupported, "this FFmpeg has no \(name) encoder for a subtitle track; burn the captions in (\"burn\": true)")
        }
        encoder = try ffalloc(avcodec_alloc_context3(codec), "a subtitle encoder")
        self.cues = cues
        encoder.pointee.time_base = Self.timeBase
        // The header is the encoder's to free (av_free in avcodec_free_context): copied into av_malloc'd memory.
        let header = Array(Self.assHeader.utf8CString)
        guard let copy = av_malloc(header.count)?.assumingMemoryBound(to: UInt8.self) else {
            var context: UnsafeMutablePointer<AVCodecContext>? = encoder
            avcodec_free_context(&context)
            throw MediaError(.ffmpeg, "out of memory for the subtitle header")
        }
        header.withUnsafeBytes { bytes in copy.update(from: bytes.bindMemory(to: UInt8.self).baseAddress!, count: header.count) }
        encoder.pointee.subtitle_header = copy
        encoder.pointee.subtitle_header_size = Int32(header.count - 1)
        if output.needsGlobalHeader { encoder.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        do {
            try ffcheck(avcodec_open2(encoder, codec, nil), "opening the \(name) subtitle encoder")
            stream = try ffalloc(avformat_new_stream(output.context, nil), "a subtitle stream")
            try ffcheck(avcodec_parameters_from_context(stream.pointee.codecpar, encoder), "copying the subtitle encoder's parameters")
        } catch {
            var context: UnsafeMutablePointer<AVCodecContext>? = encoder
            avcodec_free_context(&context)
            throw error
        }
        stream.pointee.time_base = Self.timeBase
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = encoder
        avcodec_free_context(&context)
    }

    /// Encodes every cue and hands it to the muxer; after `writeHeader`.
    func write(to output: OutputContainer) throws(MediaError) {
        let packet = try Packet()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        for (index, cue) in cues.enumerated() {
            let event = "\(index),0,Default,,0,0,0,,\(Self.escaped(cue.text))"
            let size = encode(event, start: cue.start, end: cue.end, into: &buffer)
            try ffcheck(size, "encoding caption \(index + 1) as a subtitle")
            try ffcheck(av_new_packet(packet.pointer, size), "a subtitle packet")
            buffer.withUnsafeBytes { bytes in
                packet.pointer.pointee.data.update(from: bytes.bindMemory(to: UInt8.self).baseAddress!, count: Int(size))
            }
            let start = Int64((cue.start * 1000).rounded())
            packet.pointer.pointee.pts = start
            packet.pointer.pointee.dts = start
            packet.pointer.pointee.duration = max(1, Int64((cue.end * 1000).rounded()) - start)
            try output.write(packet, from: Self.timeBase, to: stream)
        }
    }

    /// One ASS event through the encoder into `buffer`: its size, or a negative AVERROR.
    private func encode(_ event: String, start: Double, end: Double, into buffer: inout [UInt8]) -> Int32 {
        event.withCString { text in
            var rect = AVSubtitleRect()
            rect.type = SUBTITLE_ASS
            rect.ass = UnsafeMutablePointer(mutating: text)
            return withUnsafeMutablePointer(to: &rect) { rectPointer in
                var rects: [UnsafeMutablePointer<AVSubtitleRect>?] = [rectPointer]
                return rects.withUnsafeMutableBufferPointer { list in
                    var subtitle = AVSubtitle()
                    subtitle.num_rects = 1
                    subtitle.rects = list.baseAddress
                    subtitle.end_display_time = UInt32(max(1, ((end - start) * 1000).rounded()))
                    subtitle.pts = Int64((start * Double(AV_TIME_BASE)).rounded())
                    return avcodec_encode_subtitle(encoder, &buffer, Int32(buffer.count), &subtitle)
                }
            }
        }
    }

    private static func encoderName(for container: ContainerFormat) -> String {
        switch container {
        case .mp4, .mov: "mov_text"
        case .webm: "webvtt"
        case .mkv: "subrip"
        }
    }

    /// A cue's text as an ASS event's: line breaks as `\N`, and a word joiner (invisible)
    /// after every backslash and `{`, so `\n` or `{\b1}` in a caption stays text.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\n": out += "\\N"
            case "\\", "{":
                out.append(character)
                out += "\u{2060}"
            default: out.append(character)
            }
        }
        return out
    }

    /// The one style the encoders read; players draw soft subtitles in their own style.
    private static let assHeader = """
        [Script Info]
        ScriptType: v4.00+
        PlayResX: 384
        PlayResY: 288

        [V4+ Styles]
        Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
        Style: Default,Sans,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,1

        [Events]
        Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text

        """
}
