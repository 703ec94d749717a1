import Foundation
import Media

/// What an uploaded file is, as far as the server cares.
public enum AssetKind: String, Codable, Sendable {
    case video, audio, image
    /// An SRT or WebVTT file, for a timeline's `captions`.
    case captions
}

/// One row of the `assets` table. `path` is relative to the data directory; `media`
/// is the probe JSON taken on arrival, so a timeline is checked without opening files.
public struct AssetRecord: Codable, Sendable, Equatable {

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
    /// The key that uploaded it or whose job made it (nil: made while the server had no keys).
    public var ownerKeyID: String?

    enum CodingKeys: String, CodingKey {
        case id, sha256, kind
        case sizeBytes = "size_bytes"
        case contentType = "content_type"
        case filename, path, media
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case ownerKeyID = "owner_key_id"
    }
}

/// The `assets` table. A repository made `visible(to:)` a request's key finds only the
/// rows that key may see: another key's asset is "no asset with id …", as if it did not exist.
public struct AssetRepository: Sendable {
    let database: Database
    /// Whose rows the lookups by id find.
    public private(set) var visibility: RecordVisibility = .everything

    public init(database: Database) { self.database = database }

    /// The same table, its lookups by id limited to what `visibility` allows.
    public func visible(to visibility: RecordVisibility) -> AssetRepository {
        var scoped = self
        scoped.visibility = visibility
        return scoped
    }

    public func find(_ id: String) async throws -> AssetRecord? {
        guard let asset = try database.read({ db in try db.fetchRecord(AssetRecord.self, "SELECT * FROM assets WHERE id = ?", [id]) }),
            visibility.allows(owner: asset.ownerKeyID)
        else { return nil }
        return asset
    }

    /// The owner's row for these bytes, if it stored them before.
    public func find(sha256: String, owner: String?) async throws -> AssetRecord? {
        try database.read { db in
            try db.fetchRecord(
                AssetRecord.self, "SELECT * FROM assets WHERE \(db.dialect.nullAsEmpty("owner_key_id")) = ? AND sha256 = ?",
                [owner ?? "", sha256])
        }
    }

    /// A file already holding these bytes, whoever's row names it (the store shares it).
    func storedFile(sha256: String) throws -> String? {
        try database.read { db in
            try db.fetchValue(String.self, "SELECT path FROM assets WHERE sha256 = ? LIMIT 1", [sha256])
        }
    }

    /// Inserts the asset unless its owner stored the same bytes meanwhile; returns the
    /// stored row and whether it is new. A row that shares another row's file
    /// (`sharesFile`) is inserted only while a row still names that file, in the same
    /// transaction the collector deletes in: nil when the file is being collected (the
    /// caller then stores its own copy).
    public func insert(_ asset: AssetRecord, sharesFile: Bool = false) async throws -> (asset: AssetRecord, created: Bool)? {
        try await database.write { db in
            // Inserts and deletes one at a time: a file is never freed while a row is made to share it.
            try db.serialize(on: "assets")
            if let existing = try db.fetchRecord(
                AssetRecord.self, "SELECT * FROM assets WHERE \(db.dialect.nullAsEmpty("owner_key_id")) = ? AND sha256 = ?",
                [asset.ownerKeyID ?? "", asset.sha256])
            {
                return (existing, false)
            }
            if sharesFile, try !Self.isFileNamed(db, asset.path) {
                return nil
            }
            try db.insert(asset, into: "assets")
            return (asset, true)
        }
    }

    /// True while some row names the file at `path` (relative to the data directory). Asked
    /// inside the write transactions that add a row sharing a file or delete one, so a file
    /// is never removed while a row is being made to name it.
    static func isFileNamed(_ db: any SQLConnection, _ path: String) throws -> Bool {
        try db.fetchValue(Bool.self, "SELECT EXISTS (SELECT 1 FROM assets WHERE path = ?)", [path]) ?? false
    }

    /// Marks the asset used now; false when it is gone (collected meanwhile).
    public func touch(_ id: String, now: Double = Date().timeIntervalSince1970) async throws -> Bool {
        try await database.write { db in
            let touched = "UPDATE assets SET last_used_at = \(db.dialect.greatest("COALESCE(last_used_at, 0)", "?")) WHERE id = ?"
            return try db.execute(touched, [now, id]) > 0
        }
    }

    /// Bytes the data directory holds by the rows that name its files: assets (a file
    /// several keys' rows share counts once) and videos (a generated video linked to its
    /// asset counts twice: the quota errs on the safe side).
    public func storedBytes() throws -> Int64 {
        try database.read { db in
            try db.fetchValue(
                Int64.self,
                """
                SELECT CAST((SELECT COALESCE(SUM(size_bytes), 0) FROM (SELECT MAX(size_bytes) AS size_bytes FROM assets GROUP BY path) AS files)
                          + (SELECT COALESCE(SUM(size_bytes), 0) FROM videos) AS BIGINT)
                """) ?? 0
        }
    }

    /// Bytes charged to one key: its assets (whole, even where the file is shared, so the
    /// figure never reveals another key's uploads) and its jobs' videos.
    public func storedBytes(owner: String) throws -> Int64 {
        try database.read { db in
            try db.fetchValue(
                Int64.self,
                """
                SELECT CAST((SELECT COALESCE(SUM(size_bytes), 0) FROM assets WHERE owner_key_id = ?)
                            + (SELECT COALESCE(SUM(v.size_bytes), 0) FROM videos v JOIN jobs j ON j.id = v.job_id WHERE j.owner_key_id = ?)
                            AS BIGINT)
                """, [owner, owner]) ?? 0
        }
    }

    /// The file names of every asset row (what the start-up orphan sweep keeps).
    public func fileNames() throws -> Set<String> {
        try database.read { db in
            Set(try db.fetchValues(String.self, "SELECT path FROM assets").map { ($0 as NSString).lastPathComponent })
        }
    }

    /// Several assets by id, in one read (a timeline names many).
    public func find(ids: [String]) async throws -> [String: AssetRecord] {
        guard !ids.isEmpty else { return [:] }
        return try database.read { db in
            let unique = Array(Set(ids))
            var found: [String: AssetRecord] = [:]
            for chunk in stride(from: 0, to: unique.count, by: 500).map({ Array(unique[$0..<min($0 + 500, unique.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for asset in try db.fetchRecords(
                    AssetRecord.self, "SELECT * FROM assets WHERE id IN (\(marks))",
                    SQLArguments(chunk))
                where visibility.allows(owner: asset.ownerKeyID) {
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
