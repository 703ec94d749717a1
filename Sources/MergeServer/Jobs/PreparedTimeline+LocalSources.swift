import Foundation
import Media

extension PreparedTimeline {
    /// The timeline with every source a local file for the duration of `body`: as it is
    /// with local storage; with a bucket, each asset is taken from the node's bounded
    /// cache (downloaded once if missing) and held there until `body` returns, so a node
    /// whose data directory never saw the upload renders it all the same. `body` is also
    /// given each cached copy's storage key, by path (empty with local storage, where a
    /// file's key is its path under the data directory).
    func withLocalSources<Value>(
        _ media: MediaLibrary, _ body: (PreparedTimeline, _ keys: [String: String]) async throws -> Value
    ) async throws -> Value {
        if media.isLocal { return try await body(self, [:]) }
        // Asset files are stored as assets/<name>; the key is the same on every node.
        let keys = sources.mapValues { "assets/" + ($0.path as NSString).lastPathComponent }
        return try await media.withLocalFiles(keys: Array(keys.values)) { local in
            var mapped: [String: (path: String, info: MediaInfo)] = [:]
            var keysByPath: [String: String] = [:]
            for (id, source) in sources {
                guard let key = keys[id], let path = local[key] else { continue }
                var info = source.info
                info.path = path
                mapped[id] = (path, info)
                keysByPath[path] = key
            }
            return try await body(PreparedTimeline(timeline: timeline, sources: mapped), keysByPath)
        }
    }
}
