import Foundation
import Media

/// A `merge_videos` body checked against the asset store: decoded strictly, every
/// source an uploaded asset of the right kind, and the whole timeline validated by the
/// planner against the stored probes, so a bad timeline is refused (422, every
/// problem with its field path) before a job exists.
struct PreparedTimeline: Sendable {
    let timeline: Timeline
    /// Asset id → its file and stored probe, for every source the timeline names.
    let sources: [String: (path: String, info: MediaInfo)]

    /// With `limits`, a body over the clip limit is refused from its head, before a clip is decoded.
    static func decode(_ body: Data, limits: TimelineLimits? = nil) throws -> Timeline {
        if let limits, let head = try? JSONDecoder().decode(TimelineHead.self, from: body),
            head.clipCount > limits.maxClips || head.transitionCount > limits.maxClips
        {
            throw ValidationFailure(
                TimelinePlanner.limitProblems(
                    clipCount: head.clipCount, transitionCount: head.transitionCount,
                    output: head.output ?? OutputSettings(), limits: limits))
        }
        let timeline = try JSONBody.decode(Timeline.self, from: body, expecting: "a timeline")
        let unknown = Timeline.unknownFields(in: body)
        if !unknown.isEmpty { throw ValidationFailure(unknown) }
        return timeline
    }

    /// Checks a timeline at submission. URL sources are fetched when the job runs, so
    /// with any of them only the asset sources are checked now; the whole timeline is
    /// validated once the files are here.
    static func check(_ timeline: Timeline, limits: ServerLimits, assets: AssetRepository, store: AssetStore) async throws {
        _ = try await prepare(
            timeline, limits: limits.timeline, maxSongSeconds: limits.maxSongSeconds, assets: assets, store: store,
            urlsLater: true)
    }

    /// The timeline with every URL source fetched into the asset store (as `owner`'s) and named by its asset id.
    static func fetchingURLSources(_ timeline: Timeline, with fetcher: RemoteAssetFetcher, owner: String?) async throws -> Timeline {
        var fetched = timeline
        var done: [String: String] = [:]
        func assetID(_ source: String) async throws -> String {
            guard GenerationFields.isURL(source) else { return source }
            if let id = done[source] { return id }
            let id = try await fetcher.fetch(source, owner: owner).id
            done[source] = id
            return id
        }
        for index in fetched.clips.indices { fetched.clips[index].source = try await assetID(fetched.clips[index].source) }
        if let song = fetched.audio?.source { fetched.audio?.source = try await assetID(song) }
        if let voice = fetched.voiceover?.source { fetched.voiceover?.source = try await assetID(voice) }
        return fetched
    }

    /// Looks up the timeline's sources and validates it within `limits` (`maxSongSeconds`
    /// bounds the song beat sync analyses).
    static func prepare(
        _ timeline: Timeline, limits: TimelineLimits = .media, maxSongSeconds: Double? = nil,
        assets: AssetRepository, store: AssetStore, urlsLater: Bool = false
    ) async throws -> PreparedTimeline {
        // Numbers first, whatever the sources: a timeline of URLs is otherwise checked only when its job runs.
        var problems = TimelinePlanner.numberProblems(timeline, limits: limits)
        if timeline.clips.count > limits.maxClips { throw ValidationFailure(problems) }
        var wanted: [(field: String, id: String, needsVideo: Bool)] = []
        for (index, clip) in timeline.clips.enumerated() { wanted.append(("clips[\(index)].source", clip.source, true)) }
        if let song = timeline.audio?.source { wanted.append(("audio.source", song, false)) }
        if let voice = timeline.voiceover?.source { wanted.append(("voiceover.source", voice, false)) }
        let hasURLs = urlsLater && wanted.contains { GenerationFields.isURL($0.id) }
        if hasURLs { wanted.removeAll { GenerationFields.isURL($0.id) } }
        let found = try await assets.find(ids: wanted.map(\.id).filter { Identifier.isValid($0, .asset) })

        var sources: [String: (path: String, info: MediaInfo)] = [:]
        for (field, id, needsVideo) in wanted {
            guard let asset = sourceAsset(id, field: field, found: found, problems: &problems) else { continue }
            if asset.kind == .captions {
                problems.append(FieldProblem(field, "asset \(id) is a caption file; give it as captions.source"))
                continue
            }
            if needsVideo && asset.kind == .audio {
                problems.append(FieldProblem(field, "asset \(id) is audio, not a video or an image"))
                continue
            }
            guard var info = asset.info else {
                problems.append(FieldProblem(field, "asset \(id) has no readable probe; upload it again"))
                continue
            }
            info.path = store.path(of: asset)
            sources[id] = (info.path, info)
            if field == "audio.source", let maxSongSeconds, let sync = timeline.beatSync, sync.mode != .off, let duration = info.duration,
                let problem = ServerLimits.songProblem(duration: duration, limit: maxSongSeconds, field: field)
            {
                problems.append(problem)
            }
        }
        if let source = timeline.captions?.source,
            let captions = try await captionsSource(source, assets: assets, store: store, problems: &problems)
        {
            sources[source] = captions
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }

        let request = PreparedTimeline(timeline: timeline, sources: sources)
        if hasURLs { return request }
        do {
            // A caption file in a bucket is not read here: it was parsed when it was uploaded.
            try TimelinePlanner.validate(
                timeline, limits: limits, resolve: request.resolve, probe: request.probe,
                readCaptions: { path throws(MediaError) in FileManager.default.fileExists(atPath: path) ? try CaptionFile.read(path) : nil })
        } catch {
            throw ValidationFailure(error.fieldProblems.isEmpty ? [FieldProblem("", error.description)] : error.fieldProblems)
        }
        return request
    }

    /// The caption file `captions.source` names: an uploaded SRT or WebVTT asset.
    private static func captionsSource(
        _ id: String, assets: AssetRepository, store: AssetStore, problems: inout [FieldProblem]
    ) async throws -> (path: String, info: MediaInfo)? {
        let field = "captions.source"
        guard !GenerationFields.isURL(id) else {
            problems.append(
                FieldProblem(field, "captions are not fetched from URLs; upload the SRT or WebVTT file with POST /api/uploads and give its asset id"))
            return nil
        }
        let found = try await assets.find(ids: Identifier.isValid(id, .asset) ? [id] : [])
        guard let asset = sourceAsset(id, field: field, found: found, problems: &problems) else { return nil }
        guard asset.kind == .captions, var info = asset.info else {
            problems.append(FieldProblem(field, "asset \(id) is \(asset.kind.rawValue), not an SRT or WebVTT caption file"))
            return nil
        }
        info.path = store.path(of: asset)
        return (info.path, info)
    }

    private static func sourceAsset(
        _ id: String, field: String, found: [String: AssetRecord],
        problems: inout [FieldProblem]
    ) -> AssetRecord? {
        if let asset = found[id] { return asset }
        let shown = id.count > 80 ? String(id.prefix(80)) + "…" : id
        if id.hasPrefix("http://") || id.hasPrefix("https://") {
            problems.append(FieldProblem(field, "\(shown) is not a valid http(s) URL"))
        } else if Identifier.isValid(id, .asset) {
            problems.append(FieldProblem(field, "no asset with id \(shown); upload the file with POST /api/uploads first"))
        } else {
            problems.append(
                FieldProblem(
                    field,
                    "\(shown.debugDescription) is not an asset id (ast_ and \(Identifier.hexLength) hex digits); the server does not read paths"))
        }
        return nil
    }

    /// Asset id → file path (for the planner).
    var resolve: @Sendable (String) throws(MediaError) -> String {
        { [sources] id throws(MediaError) in
            guard let source = sources[id] else { throw MediaError(.fileNotFound, "no asset with id \(id)") }
            return source.path
        }
    }

    /// File path → the probe stored on upload (no file is opened to plan).
    var probe: @Sendable (String) throws(MediaError) -> MediaInfo {
        let byPath = Dictionary(sources.values.map { ($0.path, $0.info) }, uniquingKeysWith: { first, _ in first })
        return { path throws(MediaError) in
            if let info = byPath[path] { return info }
            return try MediaProbe.probe(path)
        }
    }
}

/// The parts of a timeline body that bound its work, read without decoding a clip:
/// counting the elements of an array costs nothing next to decoding 190 000 clips.
private struct TimelineHead: Decodable {
    let clipCount: Int
    let transitionCount: Int
    let output: OutputSettings?

    enum CodingKeys: String, CodingKey { case clips, transitions, output }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clipCount = (try? container.nestedUnkeyedContainer(forKey: .clips))?.count ?? 0
        transitionCount = (try? container.nestedUnkeyedContainer(forKey: .transitions))?.count ?? 0
        output = try? container.decodeIfPresent(OutputSettings.self, forKey: .output)
    }
}
