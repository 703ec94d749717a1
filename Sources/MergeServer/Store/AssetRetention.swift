import Foundation

/// Which assets may go: those not used (stored again, or named by a job that ended)
/// for the retention period and named by no job that still needs them — a queued or
/// running job, or a job whose video is kept (its request, result or checkpoints).
extension AssetRepository {
    /// Where a scan of the assets goes on from: the last (created_at, id) it looked at.
    struct ScanPosition: Sendable {
        let createdAt: Double
        let id: String
    }

    /// One page of the assets past `cutoff` (last use before it), after `position`: those
    /// no job needs, and where the next page starts (nil after the last page). Paging on
    /// what was scanned, not on what was collected, so assets that stay needed cannot
    /// fill every page and hide the ones behind them.
    func collectible(
        usedBefore cutoff: Double, after position: ScanPosition?, limit: Int = 500
    ) throws
        -> (assets: [(id: String, path: String)], next: ScanPosition?)
    {
        try database.read { db in
            let rows = try db.fetchAll(
                """
                SELECT id, path, created_at FROM assets
                WHERE COALESCE(last_used_at, created_at) < ? AND (created_at, id) > (?, ?)
                ORDER BY created_at, id LIMIT ?
                """, [cutoff, position?.createdAt ?? -Double.greatestFiniteMagnitude, position?.id ?? "", limit])
            let next = rows.count < limit ? nil : rows.last.map { ScanPosition(createdAt: $0["created_at"], id: $0["id"]) }
            let candidates = rows.map { (id: $0["id"] as String, path: $0["path"] as String) }
            guard !candidates.isEmpty else { return ([], next) }
            var needed = Set<String>()
            // Jobs that need their assets: live ones, kept videos' ones, and those that ended
            // after the cutoff (their assets were in use within the retention period).
            try db.forEachRow(
                """
                SELECT j.request || ' ' || COALESCE(j.result, '') || ' ' ||
                       COALESCE((SELECT \(db.dialect.joined("value", separator: " ")) FROM job_checkpoints c WHERE c.job_id = j.id), '')
                FROM jobs j
                WHERE j.status IN ('queued', 'running') OR COALESCE(j.finished_at, 0) >= ?
                   OR EXISTS (SELECT 1 FROM videos v WHERE v.job_id = j.id)
                """, [cutoff]
            ) { row in
                if let text = row.first(as: String.self) { needed.formUnion(Self.assetIDs(in: text)) }
            }
            return (candidates.filter { !needed.contains($0.id) }, next)
        }
    }

    /// Deletes the rows of `assets` unless, since `scanStarted`, one was used again or named
    /// by a new job; returns how many rows went and the files no row names any more (the
    /// caller's to remove: a file another key's row shares stays). Decided in the write
    /// transaction that a new row sharing a file is inserted in, so none can name a file
    /// as it goes.
    func deleteCollectible(
        _ assets: [(id: String, path: String)], usedBefore cutoff: Double,
        scanStarted: Double
    ) async throws -> (deleted: Int, freedFiles: [String]) {
        guard !assets.isEmpty else { return (0, []) }
        return try await database.write { db in
            try db.serialize(on: "assets")
            var named = Set<String>()
            try db.forEachRow("SELECT request FROM jobs WHERE created_at >= ? OR status = 'queued'", [scanStarted - 1]) { row in
                if let request = row.first(as: String.self) { named.formUnion(Self.assetIDs(in: request)) }
            }
            var deleted = 0
            var paths = Set<String>()
            for asset in assets where !named.contains(asset.id) {
                let gone = try db.execute(
                    "DELETE FROM assets WHERE id = ? AND COALESCE(last_used_at, created_at) < ?",
                    [asset.id, cutoff])
                if gone > 0 {
                    deleted += 1
                    paths.insert(asset.path)
                }
            }
            let freed = try paths.sorted().filter { path in
                try !Self.isFileNamed(db, path)
            }
            return (deleted, freed)
        }
    }

    /// Every asset id (`ast_` and 24 hex digits) written in `text`.
    static func assetIDs(in text: String) -> Set<String> {
        var found = Set<String>()
        let bytes = Array(text.utf8)
        let prefix = Array("\(Identifier.Kind.asset.rawValue)_".utf8)
        let length = prefix.count + Identifier.hexLength
        var index = 0
        while index + length <= bytes.count {
            if bytes[index..<index + prefix.count].elementsEqual(prefix),
                bytes[index + prefix.count..<index + length].allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            {
                found.insert(String(decoding: bytes[index..<index + length], as: UTF8.self))
                index += length
            } else {
                index += 1
            }
        }
        return found
    }
}

extension AssetRepository {
    /// What `delete` did.
    enum DeleteOutcome: Sendable, Equatable {
        /// The row is gone; `freedFile` is its file when no other row names it (the caller removes it).
        case deleted(freedFile: String?)
        case notFound
        /// A queued or running job names it.
        case inUse(job: String)
    }

    /// Deletes an asset `visibility` allows, unless a job that has yet to end names it.
    /// One write transaction: no job can be queued naming it in between.
    func delete(_ id: String) async throws -> DeleteOutcome {
        let visibility = visibility
        return try await database.write { db in
            guard let asset = try db.fetchRecord(AssetRecord.self, "SELECT * FROM assets WHERE id = ?", [id]),
                visibility.allows(owner: asset.ownerKeyID)
            else { return .notFound }
            // No file freed while a row shares it, and no job of the owner queued naming it meanwhile.
            try db.serialize(on: "assets")
            try db.serialize(on: "enqueue \(asset.ownerKeyID ?? "")")
            var user: String?
            try db.forEachRow("SELECT id, request FROM jobs WHERE status IN ('queued', 'running')") { row in
                let request: String = row["request"]
                if user == nil, request.contains(id) { user = row["id"] }
            }
            if let user { return .inUse(job: user) }
            try db.execute("DELETE FROM assets WHERE id = ?", [id])
            return .deleted(freedFile: try Self.isFileNamed(db, asset.path) ? nil : asset.path)
        }
    }
}
