import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Downloaded objects kept in a scratch directory, at most `capacity` bytes in all: the
/// least recently used are evicted first, never one in use (`withFile`). Concurrent
/// requests for one key share one download. A file is named after the SHA-256 of its
/// key, so what an earlier process left is found again at start-up.
///
/// One object larger than the whole capacity is still served; it is then the only
/// entry, and goes at the next eviction.
public actor BoundedFileCache {
    public nonisolated let directory: String
    public nonisolated let capacity: Int64

    private struct Entry {
        var size: Int64
        var lastUse: UInt64
        var pins = 0
    }

    private var entries: [String: Entry] = [:]
    private var downloads: [String: Task<Void, any Error>] = [:]
    private var clock: UInt64 = 0
    public private(set) var totalBytes: Int64 = 0

    /// Files beginning with this are unfinished (downloads, moves in); removed at start-up.
    static let unfinishedPrefix = "."

    public init(directory: String, capacity: Int64) throws {
        self.directory = directory
        self.capacity = max(0, capacity)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Oldest first, so the order of use survives a restart roughly.
        var found: [(name: String, size: Int64, modified: Date)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let path = (directory as NSString).appendingPathComponent(name)
            if name.hasPrefix(Self.unfinishedPrefix) {
                try? FileManager.default.removeItem(atPath: path)
                continue
            }
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            found.append(
                (name, (attributes[.size] as? NSNumber)?.int64Value ?? 0, attributes[.modificationDate] as? Date ?? .distantPast))
        }
        for (index, file) in found.sorted(by: { $0.modified < $1.modified }).enumerated() {
            entries[file.name] = Entry(size: file.size, lastUse: UInt64(index))
            totalBytes += file.size
        }
        clock = UInt64(found.count)
        for name in Self.victims(entries, total: totalBytes, capacity: self.capacity, keeping: nil) {
            unlink((directory as NSString).appendingPathComponent(name))
            if let entry = entries.removeValue(forKey: name) { totalBytes -= entry.size }
        }
    }

    /// Runs `body` with the cached file of `key`, first downloading it with `fill` (which
    /// must write the whole object to the path it is given, or throw) if it is not here.
    /// The file is not evicted while `body` runs.
    public nonisolated func withFile<Value: Sendable>(
        key: String, fill: @escaping @Sendable (String) async throws -> Void, _ body: (String) async throws -> Value
    ) async throws -> Value {
        let path = try await acquire(key: key, fill: fill)
        do {
            let value = try await body(path)
            await release(key: key)
            return value
        } catch {
            await release(key: key)
            throw error
        }
    }

    /// The cached file of `key` (downloaded with `fill` if missing), held until `release`.
    public func acquire(key: String, fill: @escaping @Sendable (String) async throws -> Void) async throws -> String {
        let name = Self.fileName(key)
        // Again if another download evicted it before this task resumed.
        repeat { try await ensure(name, fill: fill) } while entries[name] == nil
        entries[name]?.pins += 1
        return path(ofName: name)
    }

    /// Ends one `acquire` of `key`; the bound is restored if the file was holding it up.
    public func release(key: String) {
        let name = Self.fileName(key)
        if let pins = entries[name]?.pins, pins > 0 { entries[name]?.pins = pins - 1 }
        evict()
    }

    /// Takes the file at `path` (moved in) as the cached copy of `key`.
    public func insert(key: String, movingFile path: String) throws {
        let name = Self.fileName(key)
        let size = try LocalMediaStorage.size(at: path)
        let temporary = self.path(ofName: Self.unfinishedPrefix + name + "-" + UUID().uuidString)
        do {
            if rename(path, temporary) != 0 { _ = try LocalCopy.copy(path, to: temporary) }
            guard rename(temporary, self.path(ofName: name)) == 0 else {
                throw MediaStorageError.errno(temporary)
            }
        } catch {
            unlink(temporary)
            throw error
        }
        try? FileManager.default.removeItem(atPath: path)
        forget(name)
        record(name, size: size)
    }

    /// Drops `key`'s copy, if any (even when in use: readers holding it open keep reading).
    public func remove(key: String) {
        let name = Self.fileName(key)
        if entries[name] != nil { unlink(path(ofName: name)) }
        forget(name)
    }

    /// Whether `key` has a copy here now.
    public func contains(key: String) -> Bool { entries[Self.fileName(key)] != nil }

    // MARK: Internals

    private func ensure(_ name: String, fill: @escaping @Sendable (String) async throws -> Void) async throws {
        if entries[name] != nil {
            touch(name)
            return
        }
        if let download = downloads[name] {
            try await download.value
            touch(name)
            return
        }
        let final = path(ofName: name)
        // Filled under an unfinished name, so a process killed mid-fill leaves nothing that
        // the next start-up would take for a whole file.
        let temporary = path(ofName: Self.unfinishedPrefix + "fill-" + UUID().uuidString + "-" + name)
        // Unstructured: a waiter that is cancelled does not stop the others' download. The
        // entry is recorded before the task ends, so every waiter finds it.
        let download = Task<Void, any Error> {
            do {
                try await fill(temporary)
                let size = try LocalMediaStorage.size(at: temporary)
                guard rename(temporary, final) == 0 else { throw MediaStorageError.errno(final) }
                await self.finishDownload(name, size: size)
            } catch {
                unlink(temporary)
                await self.finishDownload(name, size: nil)
                throw error
            }
        }
        downloads[name] = download
        try await download.value
    }

    private func finishDownload(_ name: String, size: Int64?) {
        downloads[name] = nil
        if let size { record(name, size: size) }
    }

    private func record(_ name: String, size: Int64) {
        clock += 1
        entries[name] = Entry(size: size, lastUse: clock)
        totalBytes += size
        evict(keeping: name)
    }

    private func forget(_ name: String) {
        if let entry = entries.removeValue(forKey: name) { totalBytes -= entry.size }
    }

    private func touch(_ name: String) {
        clock += 1
        entries[name]?.lastUse = clock
    }

    /// Removes the least recently used unpinned entries (never `keeping`) until the total fits.
    private func evict(keeping: String? = nil) {
        for name in Self.victims(entries, total: totalBytes, capacity: capacity, keeping: keeping) {
            unlink(path(ofName: name))
            forget(name)
        }
    }

    /// The entries to evict, oldest use first, for the total to fit in `capacity`.
    private static func victims(_ entries: [String: Entry], total: Int64, capacity: Int64, keeping: String?) -> [String] {
        var total = total
        var chosen: [String] = []
        let candidates = entries.filter { $0.value.pins == 0 && $0.key != keeping }.sorted { $0.value.lastUse < $1.value.lastUse }
        for (name, entry) in candidates where total > capacity {
            chosen.append(name)
            total -= entry.size
        }
        return chosen
    }

    private nonisolated func path(ofName name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    /// The SHA-256 of the key (no key can name a path outside the directory), with the
    /// key's extension so tools and type sniffing see what the file is.
    static func fileName(_ key: String) -> String {
        let hash = SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
        let ext = (key as NSString).pathExtension
        let safe = !ext.isEmpty && ext.count <= 10 && ext.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return safe ? hash + "." + ext : hash
    }
}
