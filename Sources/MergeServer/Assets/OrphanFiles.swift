import Foundation

/// Files no row refers to: what a crash between writing a file and committing its row
/// (or between deleting a row and its file) leaves. Removed at start-up, when the data
/// directory is locked to this process; only files older than `minimumAge`, so a file
/// being placed right now by anything else is never taken.
enum OrphanFiles {
    /// Removes the regular files of `directory` whose names are not in `referenced`;
    /// returns how many went.
    @discardableResult
    static func sweep(
        _ directory: String, referenced: Set<String>, minimumAge: TimeInterval = 60,
        now: Date = Date()
    ) -> Int {
        let fileManager = FileManager.default
        var removed = 0
        for name in (try? fileManager.contentsOfDirectory(atPath: directory)) ?? [] where !referenced.contains(name) {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let attributes = try? fileManager.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular,
                let modified = attributes[.modificationDate] as? Date,
                now.timeIntervalSince(modified) >= minimumAge
            else { continue }
            if (try? fileManager.removeItem(atPath: path)) != nil { removed += 1 }
        }
        return removed
    }
}
