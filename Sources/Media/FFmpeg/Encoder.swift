import CFFmpeg

/// How to encode video. Quality/speed defaults match the CLI peers' (`-preset veryfast -crf 23`).
struct VideoEncoderSettings {
    var codec: VideoCodec
    var width: Int32
    var height: Int32
    var frameRate: FrameRate
    var crf: Int = 23
    var preset: String = "veryfast"
    var keyframeIntervalSeconds: Double = Self.defaultKeyframeIntervalSeconds

    static let defaultKeyframeIntervalSeconds = 2.0

    /// The longest run of frames between keyframes at `frameRate`.
    static func keyframeInterval(_ frameRate: FrameRate, seconds: Double = defaultKeyframeIntervalSeconds) -> Int64 {
        max(1, Int64((frameRate.value * seconds).rounded()))
    }

    /// Frames an encoder looks ahead (x264's rc-lookahead per preset, libvpx's lag) and a
    /// margin for B-frame decisions: the frames its choices for one frame depend on.
    var lookaheadFrames: Int64 {
        let lookahead: Int64
        switch (codec, preset) {
        case (.vp9, _): lookahead = 25
        case (_, "ultrafast"), (_, "superfast"): lookahead = 0
        case (_, "veryfast"): lookahead = 10
        case (_, "faster"): lookahead = 20
        case (_, "fast"): lookahead = 30
        case (_, "medium"): lookahead = 40
        case (_, "slow"): lookahead = 50
        default: lookahead = 60
        }
        return lookahead + 8
    }

    /// Encoder-private options, per codec. A frame marked as I is a keyframe that starts a
    /// closed GOP (an IDR), so a render can be cut there and joined again by stream copy.
    var privateOptions: [String: String] {
        switch codec {
        case .h264:
            ["preset": preset, "crf": String(crf), "forced-idr": "1"]
        case .hevc:
            // x265 prints its own banner on stderr unless told not to.
            ["preset": preset, "crf": String(crf), "forced-idr": "1", "x265-params": "log-level=none"]
        case .vp9:
            ["deadline": "realtime", "cpu-used": "8", "row-mt": "1", "crf": String(min(63, crf + 10)), "b": "0"]
        }
    }
}

/// An owned encoder (`AVCodecContext`), freed exactly once.
final class StreamEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>

    private init(
        encoderName: String, configure: (UnsafeMutablePointer<AVCodecContext>) -> Void,
        options: [String: String]
    ) throws(MediaError) {
        guard let codec = avcodec_find_encoder_by_name(encoderName) else {
            throw MediaError(
                .unsupported,
                "this FFmpeg has no \(encoderName) encoder; install Debian's FFmpeg libraries (scripts/install-deps.sh)")
        }
        context = try ffalloc(avcodec_alloc_context3(codec), "an encoder")
        configure(context)
        var dictionary = OptionDictionary(options)
        let code = avcodec_open2(context, codec, &dictionary.pointer)
        if code < 0 {  // deinit frees the context
            throw ffmpegError(code, "opening the \(encoderName) encoder", kind: .unsupported)
        }
        try dictionary.requireAllUsed(by: "the \(encoderName) encoder")
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&freeing)
    }

    convenience init(video settings: VideoEncoderSettings, globalHeader: Bool) throws(MediaError) {
        try self.init(
            encoderName: settings.codec.encoderName,
            configure: { context in
                context.pointee.width = settings.width
                context.pointee.height = settings.height
                context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
                context.pointee.time_base = settings.frameRate.frameDuration
                context.pointee.framerate = settings.frameRate.rational
                context.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
                context.pointee.gop_size = Int32(
                    clamping: VideoEncoderSettings.keyframeInterval(settings.frameRate, seconds: settings.keyframeIntervalSeconds))
                if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
            }, options: settings.privateOptions)
    }

    /// A picture encoder (png, mjpeg, libwebp; gif and libwebp_anim for animations at
    /// `timeBase`) for `width`x`height` pictures in `pixelFormat`.
    convenience init(
        image encoderName: String, width: Int32, height: Int32, pixelFormat: AVPixelFormat,
        timeBase: AVRational = AVRational(num: 1, den: 1), options: [String: String] = [:]
    ) throws(MediaError) {
        try self.init(
            encoderName: encoderName,
            configure: { context in
                context.pointee.width = width
                context.pointee.height = height
                context.pointee.pix_fmt = pixelFormat
                context.pointee.time_base = timeBase
                context.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
            }, options: options)
    }

    convenience init(
        audio codec: AudioCodec, sampleRate: Int32 = 48_000, bitRate: Int64 = 192_000,
        globalHeader: Bool
    ) throws(MediaError) {
        try self.init(audioEncoder: codec.encoderName, sampleRate: sampleRate, bitRate: bitRate, globalHeader: globalHeader)
    }

    /// A stereo audio encoder by FFmpeg name (aac, libopus, libmp3lame), in its first sample format.
    convenience init(audioEncoder encoderName: String, sampleRate: Int32, bitRate: Int64, globalHeader: Bool) throws(MediaError) {
        let preferredFormat = Self.firstSampleFormat(of: encoderName)
        try self.init(
            encoderName: encoderName,
            configure: { context in
                context.pointee.sample_rate = sampleRate
                context.pointee.sample_fmt = preferredFormat
                av_channel_layout_default(&context.pointee.ch_layout, 2)
                context.pointee.bit_rate = bitRate
                context.pointee.time_base = AVRational(num: 1, den: sampleRate)
                if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
            }, options: [:])
    }

    var timeBase: AVRational { context.pointee.time_base }

    /// Samples per frame the encoder needs, or nil when any size is accepted.
    var fixedFrameSize: Int32? {
        let variable = (context.pointee.codec.pointee.capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) != 0
        return variable || context.pointee.frame_size <= 0 ? nil : context.pointee.frame_size
    }

    var sampleFormatName: String { String(cString: av_get_sample_fmt_name(context.pointee.sample_fmt)) }

    /// Sends a frame (nil flushes) and hands every packet the encoder returns to `emit`.
    func encode(
        _ frame: UnsafeMutablePointer<AVFrame>?, using packet: borrowing Packet,
        emit: (borrowing Packet) throws(MediaError) -> Void
    ) throws(MediaError) {
        try ffcheck(avcodec_send_frame(context, frame), "encoding")
        while true {
            let code = avcodec_receive_packet(context, packet.pointer)
            if code == averrorEAGAIN || code == averrorEOF { return }
            try ffcheck(code, "encoding")
            // Video time bases are one frame; the muxer needs every duration to end the track on time.
            if context.pointee.codec_type == AVMEDIA_TYPE_VIDEO && packet.pointer.pointee.duration == 0 {
                packet.pointer.pointee.duration = 1
            }
            try emit(packet)
            packet.unref()
        }
    }

    /// The bytes of one picture: `frame` sent alone, then the encoder flushed (PNG, JPEG, WebP).
    func encodePicture(_ frame: UnsafeMutablePointer<AVFrame>, name: String) throws(MediaError) -> [UInt8] {
        let packet = try Packet()
        var bytes: [UInt8] = []
        let collect = { (packet: borrowing Packet) throws(MediaError) in
            let pointee = packet.pointer.pointee
            if let data = pointee.data, pointee.size > 0 {
                bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(pointee.size)))
            }
        }
        try encode(frame, using: packet, emit: collect)
        try encode(nil, using: packet, emit: collect)
        guard !bytes.isEmpty else { throw MediaError(.ffmpeg, "the \(name) encoder returned no data") }
        return bytes
    }

    private static func firstSampleFormat(of encoderName: String) -> AVSampleFormat {
        guard let codec = avcodec_find_encoder_by_name(encoderName), let formats = codec.pointee.sample_fmts else {
            return AV_SAMPLE_FMT_FLTP
        }
        return formats.pointee
    }
}
