import CFFmpeg

/// An owned decoder (`AVCodecContext`) for one input stream, freed exactly once.
final class StreamDecoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let path: String

    init(stream: UnsafeMutablePointer<AVStream>, path: String) throws(MediaError) {
        self.path = path
        guard let parameters = stream.pointee.codecpar else {
            throw MediaError(.notMedia, "\(path): a stream without codec parameters", path: path)
        }
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            let name = String(cString: avcodec_get_name(parameters.pointee.codec_id))
            throw MediaError(.unsupported, "\(path): this FFmpeg cannot decode \(name); re-encode it as H.264/AAC", path: path)
        }
        context = try ffalloc(avcodec_alloc_context3(codec), "a decoder")
        // From here on a throw runs deinit, which frees the context.
        try ffcheck(avcodec_parameters_to_context(context, parameters), "reading codec parameters", path: path)
        context.pointee.pkt_timebase = stream.pointee.time_base
        context.pointee.thread_count = 0
        // A damaged or hostile stream cannot make the decoder allocate a giant picture.
        context.pointee.max_pixels = Int64(MediaLimits.maxPixels)
        try ffcheck(avcodec_open2(context, codec, nil), "opening the \(String(cString: codec.pointee.name)) decoder", path: path)
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&freeing)
    }

    /// Sends a packet (nil drains the decoder at the end of the input).
    func send(_ packet: UnsafeMutablePointer<AVPacket>?) throws(MediaError) {
        let code = avcodec_send_packet(context, packet)
        // A corrupt packet is skipped, as players do; the frame count is fixed downstream.
        if code == averrorInvalidData || code == averrorEOF { return }
        try ffcheck(code, "decoding", path: path, kind: .truncated)
    }

    /// Receives the next decoded frame; false when the decoder needs more input or is drained.
    func receive(into frame: borrowing Frame) throws(MediaError) -> Bool {
        let code = avcodec_receive_frame(context, frame.pointer)
        if code == averrorEAGAIN || code == averrorEOF { return false }
        if code == averrorInvalidData { return false }
        try ffcheck(code, "decoding", path: path, kind: .truncated)
        return true
    }
}
