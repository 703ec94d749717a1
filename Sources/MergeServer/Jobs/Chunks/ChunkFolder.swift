import Foundation
import Media

/// Where a chunked render's parts meet: `<data>/chunks/<parent job>/` holds the plan the
/// parent made (`plan.json`) and the files its children render (`chunk-<i>.<ext>`,
/// `sound.<ext>`). Nodes of a cluster share the data directory, so any worker finds them.
/// The folder lives as long as the parent needs it: removed when the parent succeeds or
/// is canceled, else with the parent at the end of its retention.
struct ChunkFolder: Sendable {
    let path: String

    init(dataDirectory: String, job: String) {
        path = Self.root(dataDirectory) + "/" + job
    }

    static func root(_ dataDirectory: String) -> String { (dataDirectory as NSString).appendingPathComponent("chunks") }

    var planPath: String { path + "/plan.json" }
    func chunkPath(_ index: Int, container: ContainerFormat) -> String { path + "/chunk-\(index).\(container.rawValue)" }
    func soundPath(container: ContainerFormat) -> String { path + "/sound.\(container.rawValue)" }

    /// Source paths under the data directory are stored relative to it behind this mark, so
    /// a node whose data directory is mounted elsewhere finds them under its own.
    private static let dataMark = "data:"

    /// Writes the plan (a temporary file renamed into place); its sources relative to `dataDirectory`.
    func write(_ plan: ChunkPlan, dataDirectory: String) throws {
        let prefix = (dataDirectory as NSString).standardizingPath + "/"
        let portable = try plan.relocatingSources { source throws(MediaError) in
            let standard = (source as NSString).standardizingPath
            return standard.hasPrefix(prefix) ? Self.dataMark + standard.dropFirst(prefix.count) : source
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try JSONEncoder.api.encode(portable).write(to: URL(fileURLWithPath: planPath), options: .atomic)
    }

    /// The stored plan with its sources under this node's `dataDirectory`; nil when there is none.
    func readPlan(dataDirectory: String) throws -> ChunkPlan? {
        guard let data = FileManager.default.contents(atPath: planPath) else { return nil }
        let stored: ChunkPlan
        do {
            stored = try JSONDecoder().decode(ChunkPlan.self, from: data)
        } catch {
            throw JobFailure(
                type: "render_failed", message: "the chunk plan of this render is unreadable (\(error))",
                suggestion: "submit the render again")
        }
        let base = (dataDirectory as NSString).standardizingPath
        return try stored.relocatingSources { source throws(MediaError) in
            source.hasPrefix(Self.dataMark) ? base + "/" + source.dropFirst(Self.dataMark.count) : source
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
