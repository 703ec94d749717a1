import Foundation

/// How much the data directory may still take: the free space above the floor
/// (`minFreeDiskBytes`) and, with a quota, what the quota leaves. Uploads, fetches and
/// job submissions ask it first and are refused with 507 when there is no room, so a
/// full disk is an answer that says what to do, not a half-written file.
public struct DiskBudget: Sendable {
    let dataDirectory: String
    let minFreeBytes: Int64
    let quotaBytes: Int64?
    /// Bytes the data directory holds now (its assets, videos and database).
    let usage: @Sendable () throws -> Int64

    public init(dataDirectory: String, minFreeBytes: Int64, quotaBytes: Int64?, usage: @escaping @Sendable () throws -> Int64) {
        self.dataDirectory = dataDirectory
        self.minFreeBytes = minFreeBytes
        self.quotaBytes = quotaBytes
        self.usage = usage
    }

    /// Bytes that may still be written; throws `InsufficientStorage` when none.
    public func room() throws -> Int64 {
        var room = Int64.max
        var reason = ""
        if let free = DiskSpace(path: dataDirectory)?.freeBytes {
            let aboveFloor = free - minFreeBytes
            if aboveFloor < room {
                room = aboveFloor
                reason = "the disk of the data directory has less than \(minFreeBytes) bytes free"
            }
        }
        if let quotaBytes {
            let left = quotaBytes - (try usage())
            if left < room {
                room = left
                reason = "the data directory has reached its quota of \(quotaBytes) bytes"
            }
        }
        guard room > 0 else { throw InsufficientStorage(reason: reason) }
        return room
    }
}
