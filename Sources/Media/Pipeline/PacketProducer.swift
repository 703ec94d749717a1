import CFFmpeg
import Foundation

/// Runs one stream's encoding (or any packet-making work) on its own thread and hands
/// the packets to the consuming thread through a small bounded queue. The muxing
/// thread then interleaves streams while pictures are drawn, filtered and encoded in
/// parallel — the ffmpeg CLI does all of that on one thread.
///
/// Memory is bounded by `capacity` packets per stream. Dropping the producer cancels
/// and joins its thread, so no work outlives its owner.
final class PacketProducer {
    /// What the work closure pushes packets into.
    final class Output {
        fileprivate let queue: PacketQueue
        private let cancellation: CancellationFlag?

        fileprivate init(queue: PacketQueue, cancellation: CancellationFlag?) {
            self.queue = queue
            self.cancellation = cancellation
        }

        /// Takes the packet's data (the packet is left blank). Throws `cancelled` once
        /// the consumer has gone away.
        func push(_ packet: borrowing Packet) throws(MediaError) { try queue.push(packet) }

        /// True once the consumer has gone away or the operation was cancelled; the
        /// work checks it often, so a cancel stops the producer within a frame or chunk.
        var isCancelled: Bool { queue.isCancelled || cancellation?.isCancelled == true }
    }

    private let queue: PacketQueue
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `work` on a new thread. `state` (encoders, filter graphs) is handed over
    /// to that thread: the caller must not touch it afterwards.
    init<State>(
        name: String, capacity: Int = 16, cancellation: CancellationFlag? = nil, handingOver state: State,
        work: @escaping (State, Output) throws(MediaError) -> Void
    ) {
        let queue = PacketQueue(capacity: capacity)
        self.queue = queue
        let handover = Handover(state: state, work: work)
        let finished = finished
        let thread = Thread {
            let output = Output(queue: queue, cancellation: cancellation)
            do {
                // Inputs opened by the work stop with the operation.
                try CurrentCancellation.with(cancellation) { () throws(MediaError) in try handover.work(handover.state, output) }
                queue.finish(with: nil)
            } catch let error as MediaError {
                queue.finish(with: error)
            } catch {
                queue.finish(with: MediaError(.ffmpeg, "\(name) failed: \(error)"))
            }
            finished.signal()
        }
        thread.name = name
        thread.stackSize = 4 << 20
        thread.start()
    }

    deinit {
        queue.cancel()
        finished.wait()
    }

    /// Moves the next packet into `packet`; false when the stream has ended. Rethrows
    /// the producer's error.
    func next(into packet: borrowing Packet) throws(MediaError) -> Bool {
        try queue.pop(into: packet)
    }
}

/// Moves non-Sendable pipeline state (FFmpeg contexts) to the producer thread.
/// Safety: `PacketProducer.init` documents that the caller gives the state up; only
/// the producer thread uses it from then on, so it is never shared.
private struct Handover<State>: @unchecked Sendable {
    let state: State
    let work: (State, PacketProducer.Output) throws(MediaError) -> Void
}

/// A bounded blocking queue of packets between one producer and one consumer thread.
/// Safety of `@unchecked Sendable`: every field is read and written under `condition`.
private final class PacketQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var packets: [UnsafeMutablePointer<AVPacket>] = []
    private let capacity: Int
    private var ended = false
    private var failure: MediaError?
    private var cancelled = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    deinit {
        for packet in packets {
            var freeing: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&freeing)
        }
    }

    var isCancelled: Bool { condition.withLock { cancelled } }

    func push(_ packet: borrowing Packet) throws(MediaError) {
        guard let stored = av_packet_alloc() else { throw MediaError(.ffmpeg, "out of memory queuing a packet") }
        av_packet_move_ref(stored, packet.pointer)
        condition.lock()
        while packets.count >= capacity && !cancelled { condition.wait() }
        if cancelled {
            condition.unlock()
            var freeing: UnsafeMutablePointer<AVPacket>? = stored
            av_packet_free(&freeing)
            throw MediaError.cancelled()
        }
        packets.append(stored)
        condition.broadcast()
        condition.unlock()
    }

    func pop(into packet: borrowing Packet) throws(MediaError) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while packets.isEmpty && !ended { condition.wait() }
        if !packets.isEmpty {
            let stored = packets.removeFirst()
            av_packet_move_ref(packet.pointer, stored)
            var freeing: UnsafeMutablePointer<AVPacket>? = stored
            av_packet_free(&freeing)
            condition.broadcast()
            return true
        }
        if let failure { throw failure }
        return false
    }

    func finish(with error: MediaError?) {
        condition.withLock {
            ended = true
            failure = error
            condition.broadcast()
        }
    }

    func cancel() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
        }
    }
}
