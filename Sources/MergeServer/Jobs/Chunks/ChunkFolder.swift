import Foundation
import Media

/// Where a chunked render's parts meet: `chunks/<parent job>/` in the media storage holds
/// the plan the parent made (`plan.json`) and the files its children render
/// (`chunk-<i>.<ext>`, `sound.<ext>`), so any worker of a cluster finds them.
///
/// With local storage that is a folder of the data directory the nodes share, and parts
/// are written in place. With a bucket the plan and every finished part are uploaded
/// under those keys and read back, through the bounded download cache, by whichever node
/// needs them; nothing of them stays on a node's disk outside that cache.
///
/// The parts live as long as the parent needs them: removed when the parent succeeds or
/// is canceled, else with the parent at the end of its retention.
struct ChunkFolder: Sendable {
    let media: MediaLibrary
    let job: String

    init(media: MediaLibrary, job: String) {
        self.media = media
        self.job = job
    }

    /// The storage key of a file of the folder.
    func key(_ name: String) -> String { "chunks/\(job)/\(name)" }
    /// This node's copy of the folder (the shared folder itself with local storage).
    var path: String { media.localPath(of: "chunks/\(job)") }

    static let planName = "plan.json"
    static func chunkName(_ index: Int, container: ContainerFormat) -> String { "chunk-\(index).\(container.rawValue)" }
    static func soundName(container: ContainerFormat) -> String { "sound.\(container.rawValue)" }

    var planPath: String { localPath(Self.planName) }
    func localPath(_ name: String) -> String { path + "/" + name }

    /// Makes this node's copy of the folder, for the files written here.
    func makeLocal() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Sources are stored as the storage keys of their files behind this mark, so a node
    /// resolves them to its own copy (its data directory, or its download cache).
    private static let keyMark = "data:"

    /// Stores the plan, each source as its key: `sourceKeys` names the keys of sources read
    /// from a bucket's cache; a source under the data directory is its own key; any other
    /// path (a file the server was pointed at) is kept as it is.
    func write(_ plan: ChunkPlan, sourceKeys: [String: String]) async throws {
        let prefix = (media.dataDirectory as NSString).standardizingPath + "/"
        let portable = try plan.relocatingSources { source throws(MediaError) in
            if let key = sourceKeys[source] { return Self.keyMark + key }
            let standard = (source as NSString).standardizingPath
            return standard.hasPrefix(prefix) ? Self.keyMark + standard.dropFirst(prefix.count) : source
        }
        try makeLocal()
        try JSONEncoder.api.encode(portable).write(to: URL(fileURLWithPath: planPath), options: .atomic)
        try await media.publish(file: planPath, key: key(Self.planName))
    }

    /// The stored plan, its sources still as keys (see `withSources`); nil when there is none.
    func readPlan() async throws -> ChunkPlan? {
        let data: Data
        if media.isLocal {
            guard let read = FileManager.default.contents(atPath: planPath) else { return nil }
            data = read
        } else {
            do {
                data = try await media.storage.withLocalFile(key: key(Self.planName)) { path in
                    try Data(contentsOf: URL(fileURLWithPath: path))
                }
            } catch MediaStorageError.notFound {
                return nil
            }
        }
        do {
            return try JSONDecoder().decode(ChunkPlan.self, from: data)
        } catch {
            throw JobFailure(
                type: "render_failed", message: "the chunk plan of this render is unreadable (\(error))",
                suggestion: "submit the render again")
        }
    }

    /// Runs `body` with `plan`'s sources at paths on this node, held (never evicted from
    /// the download cache) until it returns.
    func withSources<Value>(of plan: ChunkPlan, _ body: (ChunkPlan) async throws -> Value) async throws -> Value {
        var keys: [String] = []
        _ = try plan.relocatingSources { source throws(MediaError) in
            if source.hasPrefix(Self.keyMark) { keys.append(String(source.dropFirst(Self.keyMark.count))) }
            return source
        }
        return try await media.withLocalFiles(keys: keys) { local in
            let resolved = try plan.relocatingSources { source throws(MediaError) in
                guard source.hasPrefix(Self.keyMark) else { return source }
                return local[String(source.dropFirst(Self.keyMark.count))] ?? source
            }
            return try await body(resolved)
        }
    }

    /// Where `job` (a `render_chunk`) writes part `name` on this node: in the shared
    /// folder with local storage; with a bucket, a file of the part's own (parts of one
    /// render may run side by side here) that `publishPart` moves into the download cache.
    func partPath(_ name: String, renderedBy job: String) throws -> String {
        if media.isLocal {
            try makeLocal()
            return localPath(name)
        }
        let scratch = media.localPath(of: "chunks/parts")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        return scratch + "/\(job)-\(name)"
    }

    /// Makes the part rendered at `path` visible to every node (an upload to a bucket).
    func publishPart(_ name: String, from path: String) async throws {
        try await media.publish(file: path, key: key(name))
    }

    /// Runs `body` with a local path for each named part, held until it returns.
    func withParts<Value>(_ names: [String], _ body: ([String]) async throws -> Value) async throws -> Value {
        guard !media.isLocal else { return try await body(names.map(localPath)) }
        return try await media.withLocalFiles(keys: names.map(key)) { local in
            try await body(names.map { local[key($0)] ?? localPath($0) })
        }
    }

    /// Removes the folder and, from a bucket, the plan and every part it names.
    func remove() async {
        if !media.isLocal, let plan = try? await readPlan() {
            let container = plan.plan.container
            let names = plan.chunks.map { Self.chunkName($0.index, container: container) } + [Self.soundName(container: container), Self.planName]
            for name in names { await media.remove(key: key(name)) }
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}
