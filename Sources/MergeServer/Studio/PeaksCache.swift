import Media

/// Computed peaks in memory, least recently used out first. At most `capacity` entries
/// of at most 4096 pairs (32 KiB) each: 256 entries hold 8 MiB at worst. Kept in memory
/// rather than on disk so nothing needs collecting with the asset, and so a node in front
/// of an S3 bucket never writes beside the bucket; a miss costs one decode of the file.
actor PeaksCache {
    struct Key: Hashable {
        let sha256: String
        let width: Int
    }

    let capacity: Int
    private var entries: [Key: AudioPeaks] = [:]
    private var order: [Key] = []

    init(capacity: Int = 256) { self.capacity = max(1, capacity) }

    func value(for key: Key) -> AudioPeaks? {
        guard let value = entries[key] else { return nil }
        touch(key)
        return value
    }

    func insert(_ value: AudioPeaks, for key: Key) {
        if entries.updateValue(value, forKey: key) != nil {
            touch(key)
            return
        }
        order.append(key)
        while order.count > capacity { entries[order.removeFirst()] = nil }
    }

    var count: Int { entries.count }

    private func touch(_ key: Key) {
        if let index = order.firstIndex(of: key) { order.remove(at: index) }
        order.append(key)
    }
}
