import Foundation
import Media

/// The checks of an asset a request names, shared by every endpoint that takes a
/// song or an image: a problem with its field when it does not fit.
extension AssetRepository {
    /// The song named by `id`: an uploaded asset with sound. Nil, with the problem
    /// added, otherwise.
    func song(_ id: String, field: String, problems: inout [FieldProblem]) async throws -> (asset: AssetRecord, duration: Double)? {
        guard Identifier.isValid(id, .asset) else {
            problems.append(
                FieldProblem(field, "give the asset id of an uploaded song (ast_ and \(Identifier.hexLength) hex digits; POST /api/uploads)"))
            return nil
        }
        guard let asset = try await find(id) else {
            problems.append(FieldProblem(field, "no asset with id \(id); upload the song with POST /api/uploads first"))
            return nil
        }
        guard asset.kind != .image, let info = asset.info, info.audio != nil, let duration = info.duration, duration > 0 else {
            problems.append(FieldProblem(field, "asset \(id) has no audio stream; give a song"))
            return nil
        }
        return (asset, duration)
    }

    /// An image asset id or an http(s) URL (fetched when the job runs).
    func checkImage(_ value: String, field: String, problems: inout [FieldProblem]) async throws {
        if GenerationFields.isURL(value) { return }
        guard Identifier.isValid(value, .asset) else {
            problems.append(FieldProblem(field, "give an image asset id (POST /api/uploads) or an http(s) URL"))
            return
        }
        guard let asset = try await find(value) else {
            problems.append(FieldProblem(field, "no asset with id \(value); upload the image with POST /api/uploads first"))
            return
        }
        if asset.kind != .image { problems.append(FieldProblem(field, "asset \(value) is \(asset.kind.rawValue), not an image")) }
    }

    /// Runs `body` with a local file of the song a stored request names (checked when
    /// the request was accepted; it may have been removed since).
    func withSongFile<Value>(_ id: String, field: String, store: AssetStore, _ body: (String) async throws -> Value) async throws -> Value {
        guard let asset = try await find(id) else {
            throw ValidationFailure(field: field, "no asset with id \(id); upload the song again")
        }
        return try await store.withLocalFile(of: asset, body)
    }
}
