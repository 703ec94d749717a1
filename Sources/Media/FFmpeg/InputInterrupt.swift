import CFFmpeg
import Foundation
import Synchronization

/// Answers FFmpeg's interrupt callback for one input: stop once the operation is
/// cancelled or its deadline has passed. FFmpeg asks before every read of the file and
/// between packets while probing, so a stuck or endless demuxer gives up within one
/// buffer's work and the blocked call returns `AVERROR_EXIT`.
///
/// Owned by its `InputContainer`, which closes the `AVFormatContext` (the only holder
/// of the unretained pointer) before letting this go.
final class InputInterrupt: Sendable {
    private enum Reason: UInt8 { case going, cancelled, deadline }

    private let cancellation: CancellationFlag?
    /// `DispatchTime` uptime in nanoseconds after which reads stop; `.max` for never.
    private let deadline = Atomic<UInt64>(.max)
    /// The budget the deadline was armed with, for the message.
    private let budgetNanoseconds = Atomic<Int64>(0)
    private let tripped = Atomic<UInt8>(Reason.going.rawValue)

    init(cancellation: CancellationFlag?) {
        self.cancellation = cancellation
    }

    /// The callback FFmpeg calls with `opaque` = this object, unretained.
    static let callback: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { opaque in
        guard let opaque else { return 0 }
        return Unmanaged<InputInterrupt>.fromOpaque(opaque).takeUnretainedValue().shouldStop ? 1 : 0
    }

    /// The `AVIOInterruptCB` to put in a format context this object outlives.
    var ffmpegCallback: AVIOInterruptCB {
        AVIOInterruptCB(callback: Self.callback, opaque: Unmanaged.passUnretained(self).toOpaque())
    }

    /// Stops reads at `deadline` (shared by every input of one probe).
    func arm(_ deadline: MediaDeadline) {
        budgetNanoseconds.store(deadline.budgetNanoseconds, ordering: .relaxed)
        self.deadline.store(deadline.uptimeNanoseconds, ordering: .relaxed)
    }

    private var shouldStop: Bool {
        if tripped.load(ordering: .relaxed) != Reason.going.rawValue { return true }
        if cancellation?.isCancelled == true {
            tripped.store(Reason.cancelled.rawValue, ordering: .relaxed)
            return true
        }
        if DispatchTime.now().uptimeNanoseconds > deadline.load(ordering: .relaxed) {
            tripped.store(Reason.deadline.rawValue, ordering: .relaxed)
            return true
        }
        return false
    }

    /// Why FFmpeg was stopped, as the error to report instead of FFmpeg's `AVERROR_EXIT`
    /// (or the end of file a stopped read can look like); nil when it was not stopped.
    func error(path: String) -> MediaError? {
        _ = shouldStop  // a cancel that came after FFmpeg's last question still counts
        switch Reason(rawValue: tripped.load(ordering: .relaxed)) {
        case .cancelled:
            return .cancelled(path)
        case .deadline:
            let seconds = Double(budgetNanoseconds.load(ordering: .relaxed)) / 1e9
            return MediaError(
                .unsupported,
                "\(path): reading it took longer than \(String(format: "%g", seconds)) s, the limit for one input; "
                    + "the file is damaged or made to stall a reader — re-export it", path: path)
        case .going, nil:
            return nil
        }
    }
}

/// A point in time by which an input's work must be done, and the budget it came from.
struct MediaDeadline: Sendable {
    let uptimeNanoseconds: UInt64
    let budgetNanoseconds: Int64

    /// `budget` from now.
    static func after(_ budget: Duration) -> MediaDeadline {
        let nanoseconds = budget.clampedNanoseconds
        let now = DispatchTime.now().uptimeNanoseconds
        let (end, overflow) = now.addingReportingOverflow(UInt64(nanoseconds))
        return MediaDeadline(uptimeNanoseconds: overflow ? .max : end, budgetNanoseconds: nanoseconds)
    }
}
