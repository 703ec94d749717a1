import Foundation
import GRDB
import Media

/// What an uploaded file is, as far as the server cares.
public enum AssetKind: String, Codable, Sendable {
    case video, audio, image
}

/// One row of the `assets` table. `path` is relative to the data directory; `media`
/// is the probe JSON taken on arrival, so a timeline is checked without opening files.
public struct AssetRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "assets"

    public var id: String
    public var sha256: String
    public var kind: AssetKind
    public var sizeBytes: Int64
    public var contentType: String?
    public var filename: String?
    public var path: String
    public var media: String
    public var createdAt: Double
    /// When it was last stored again or named by a job (retention counts from here).
    public var lastUsedAt: Double?

    enum CodingKeys: String, CodingKey {
        case id, sha256, kind
        case sizeBytes = "size_bytes"
        case contentType = "content_type"
        case filename, path, media
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
    }
}

public struct AssetRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func find(_ id: String) async throws -> AssetRecord? {
        try database.fetchOne(AssetRecord.self, sql: "SELECT * FROM assets WHERE id = ?", arguments: [id])
    }

    public func find(sha256: String) async throws -> AssetRecord? {
        try database.fetchOne(AssetRecord.self, sql: "SELECT * FROM assets WHERE sha256 = ?", arguments: [sha256])
    }

    /// Inserts the asset unless the same bytes arrived meanwhile; returns the stored row
    /// and whether it is new.
    public func insert(_ asset: AssetRecord) async throws -> (asset: AssetRecord, created: Bool) {
        try await database.pool.write { db in
            if let existing = try AssetRecord.fetchOne(db, sql: "SELECT * FROM assets WHERE sha256 = ?", arguments: [asset.sha256]) {
                return (existing, false)
            }
            try asset.insert(db)
            return (asset, true)
        }
    }

    /// Marks the asset used now; false when it is gone (collected meanwhile).
    public func touch(_ id: String, now: Double = Date().timeIntervalSince1970) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE assets SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ?", arguments: [now, id])
            return db.changesCount > 0
        }
    }

    /// Bytes the data directory holds by the rows that name its files: assets and videos
    /// (a generated video linked to its asset counts twice: the quota errs on the safe side).
    public func storedBytes() throws -> Int64 {
        try database.readNow { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COALESCE(SUM(size_bytes), 0) FROM assets) + (SELECT COALESCE(SUM(size_bytes), 0) FROM videos)
                    """) ?? 0
        }
    }

    /// The file names of every asset row (what the start-up orphan sweep keeps).
    public func fileNames() throws -> Set<String> {
        try database.readNow { db in
            Set(try String.fetchAll(db, sql: "SELECT path FROM assets").map { ($0 as NSString).lastPathComponent })
        }
    }

    /// Several assets by id, in one read (a timeline names many).
    public func find(ids: [String]) async throws -> [String: AssetRecord] {
        guard !ids.isEmpty else { return [:] }
        return try database.readNow { db in
            let unique = Array(Set(ids))
            var found: [String: AssetRecord] = [:]
            for chunk in stride(from: 0, to: unique.count, by: 500).map({ Array(unique[$0..<min($0 + 500, unique.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for asset in try AssetRecord.fetchAll(
                    db, sql: "SELECT * FROM assets WHERE id IN (\(marks))",
                    arguments: StatementArguments(chunk))
                {
                    found[asset.id] = asset
                }
            }
            return found
        }
    }
}

extension AssetRecord {
    /// The probe stored on arrival; nil when it no longer decodes.
    public var info: MediaInfo? {
        try? JSONDecoder().decode(MediaInfo.self, from: Data(media.utf8))
    }
}
