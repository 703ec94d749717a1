import Foundation

/// Free (for an unprivileged writer) and total bytes of the file system holding `path`,
/// for /health and the disk budget. Counted in Double and clamped: block counts times
/// block size can pass Int64 on a huge or lying file system.
struct DiskSpace {
    let freeBytes: Int64
    let totalBytes: Int64

    init?(path: String) {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        func bytes(_ blocks: some BinaryInteger) -> Int64 {
            let count = Double(blocks) * Double(stats.f_frsize)
            return count >= Double(Int64.max) ? Int64.max : Int64(count)
        }
        freeBytes = bytes(stats.f_bavail)
        totalBytes = bytes(stats.f_blocks)
    }
}
