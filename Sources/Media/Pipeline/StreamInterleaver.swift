import CFFmpeg

/// One output stream fed by a producer thread.
struct ProducedStream {
    let stream: UnsafeMutablePointer<AVStream>
    let timeBase: AVRational
    let producer: PacketProducer
}

/// Writes the packets of a video stream and an optional audio stream in time order,
/// so the muxer interleaves with little buffering, and reports progress by video time
/// (from `start`, the first video timestamp in seconds, over `duration`).
enum StreamInterleaver {
    static func run(
        video: ProducedStream, audio: ProducedStream?, into output: OutputContainer,
        duration: Double, start: Double = 0, reporter: inout ProgressReporter,
        cancellation: CancellationFlag?
    ) throws(MediaError) {
        do {
            try interleave(
                video: video, audio: audio, into: output, duration: duration, start: start, reporter: &reporter,
                cancellation: cancellation)
        } catch {
            // A producer that saw the cancel first reports it without the path; say it once, whole.
            if cancellation?.isCancelled == true { throw MediaError.cancelled(output.path) }
            throw error
        }
    }

    private static func interleave(
        video: ProducedStream, audio: ProducedStream?, into output: OutputContainer,
        duration: Double, start: Double, reporter: inout ProgressReporter,
        cancellation: CancellationFlag?
    ) throws(MediaError) {
        let videoPacket = try Packet()
        let audioPacket = try Packet()
        var haveVideo = try video.producer.next(into: videoPacket)
        var haveAudio = try audio?.producer.next(into: audioPacket) ?? false
        while haveVideo || haveAudio {
            if cancellation?.isCancelled == true { throw MediaError.cancelled(output.path) }
            if let audio, haveAudio,
                !haveVideo || seconds(of: audioPacket, in: audio.timeBase) < seconds(of: videoPacket, in: video.timeBase)
            {
                try output.write(audioPacket, from: audio.timeBase, to: audio.stream)
                haveAudio = try audio.producer.next(into: audioPacket)
            } else {
                let end = videoPacket.pointer.pointee.pts + videoPacket.pointer.pointee.duration
                reporter.report((Double(end) * av_q2d(video.timeBase) - start) / duration)
                try output.write(videoPacket, from: video.timeBase, to: video.stream)
                haveVideo = try video.producer.next(into: videoPacket)
            }
        }
        if cancellation?.isCancelled == true { throw MediaError.cancelled(output.path) }
    }

    private static func seconds(of packet: borrowing Packet, in timeBase: AVRational) -> Double {
        let dts = packet.pointer.pointee.dts
        return Double(dts == noPTS ? packet.pointer.pointee.pts : dts) * av_q2d(timeBase)
    }
}
