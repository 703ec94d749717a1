import Foundation
import Generation
import Media

/// Checks a generation request before a job exists — fields, the model against the
/// catalog, the assets it names, the budget against the estimate — and reports every
/// problem at once (422 with field paths).
struct GenerationChecks: Sendable {
    let generation: GenerationService
    var assets: AssetRepository
    let store: AssetStore
    /// `maxSongSeconds` bounds the songs that are analysed for a plan.
    let limits: ServerLimits
    /// Where a music video's song is analysed to plan (and price) its scenes.
    let probes: MediaExecutor

    /// What the accepted work is expected to cost, per model.
    struct Estimate: Sendable {
        var items: [CostRepository.Estimate] = []
        var total: Double { CostRepository.cents(items.reduce(0) { $0 + $1.usd }) }

        mutating func add(_ model: CatalogModel, usd: Double, mock: Bool) {
            if let index = items.firstIndex(where: { $0.model == model.id }) {
                items[index].usd += usd
            } else {
                items.append(CostRepository.Estimate(model: model.id, provider: model.provider, usd: usd, isMock: mock))
            }
        }
    }

    /// The same checks, finding only the assets `visibility` allows (the caller's own).
    func visible(to visibility: RecordVisibility) -> GenerationChecks {
        var scoped = self
        scoped.assets = assets.visible(to: visibility)
        return scoped
    }

    func createScenes(_ request: CreateScenesRequest, body: Data) async throws -> Estimate {
        var problems = StrictFields.unknown(in: body, known: CreateScenesRequest.CodingKeys.allCases.map(\.stringValue))
        problems += GenerationFields.text(request.idea, field: "idea")
        problems += GenerationFields.text(request.lyrics ?? "", field: "lyrics", required: false)
        problems += GenerationFields.text(request.style ?? "", field: "style", required: false)
        problems += GenerationFields.sceneCount(request.numScenes) + GenerationFields.budget(request.budgetUSD)
        var songDuration: Double?
        if let audio = request.audio { songDuration = try await assets.song(audio, field: "audio", problems: &problems)?.duration }
        if let songDuration, let tooLong = limits.songProblem(duration: songDuration, field: "audio") { problems.append(tooLong) }
        let model = resolve(request.model, .scenes, field: "model", problems: &problems)
        var estimate = Estimate()
        // Estimated only from a count in range (150 × Int.max tokens would trap).
        if let model, problems.isEmpty {
            let count = request.numScenes ?? songDuration.map(SceneTiming.defaultCount) ?? 6
            add(model, usd: model.estimatedCost(tokens: CatalogModel.expectedSceneTokens(scenes: count)), to: &estimate)
        }
        problems += GenerationFields.budgetProblem(estimate: estimate.total, budget: request.budgetUSD)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return estimate
    }

    func characterReference(_ request: CharacterReferenceRequest, body: Data) throws -> Estimate {
        var problems = StrictFields.unknown(in: body, known: CharacterReferenceRequest.CodingKeys.allCases.map(\.stringValue))
        problems += GenerationFields.text(request.prompt, field: "prompt") + GenerationFields.budget(request.budgetUSD)
        var estimate = Estimate()
        if let model = resolve(request.model, .image, field: "model", problems: &problems) {
            problems += model.imageProblems(aspectRatio: request.aspectRatio).map(FieldProblem.init)
            add(model, usd: model.estimatedCost(images: 1), to: &estimate)
        }
        problems += GenerationFields.budgetProblem(estimate: estimate.total, budget: request.budgetUSD)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return estimate
    }

    func generateVideo(_ request: GenerateVideoRequest, body: Data) async throws -> Estimate {
        var problems = StrictFields.unknown(in: body, known: GenerateVideoRequest.CodingKeys.allCases.map(\.stringValue))
        problems += GenerationFields.text(request.prompt, field: "prompt")
        problems += GenerationFields.text(request.negativePrompt ?? "", field: "negative_prompt", required: false)
        problems += GenerationFields.budget(request.budgetUSD) + GenerationFields.seed(request.seed)
        if let image = request.image { try await assets.checkImage(image, field: "image", problems: &problems) }
        var estimate = Estimate()
        if let model = resolve(request.model, .video, field: "model", for: request.videoNeeds, problems: &problems) {
            let duration = request.duration ?? model.durations.first ?? SceneTiming.defaultSceneSeconds
            var needs = request.videoNeeds
            needs.duration = duration
            let modelProblems = needs.problems(for: model).map(FieldProblem.init)
            problems += modelProblems
            // Priced only for a duration in range: 1e300 s would make a meaningless estimate.
            if !modelProblems.contains(where: { $0.field == "duration" }) {
                add(model, usd: model.estimatedCost(videoSeconds: duration), to: &estimate)
            }
        }
        problems += GenerationFields.budgetProblem(estimate: estimate.total, budget: request.budgetUSD)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return estimate
    }

    /// Also plans the scenes' timing (a beat analysis of the song, a fraction of a
    /// second) so that the estimate counts the clips that will really be made.
    func musicVideo(_ request: MusicVideoRequest, body: Data) async throws -> Estimate {
        var problems = StrictFields.unknown(
            in: body, known: MusicVideoRequest.CodingKeys.allCases.map(\.stringValue),
            nested: [
                "transition": MusicVideoRequest.Transition.CodingKeys.allCases.map(\.stringValue),
                "transition.section": MusicVideoRequest.Transition.Join.CodingKeys.allCases.map(\.stringValue),
                "pace": MusicVideoPace.CodingKeys.allCases.map(\.stringValue),
            ])
        problems += GenerationFields.text(request.idea, field: "idea")
        problems += GenerationFields.text(request.lyrics ?? "", field: "lyrics", required: false)
        problems += GenerationFields.text(request.style ?? "", field: "style", required: false)
        problems += GenerationFields.sceneCount(request.numScenes) + GenerationFields.budget(request.budgetUSD)
        if let transition = request.transition {
            problems += Self.joinProblems(transition.within, field: "transition")
            if let section = transition.section { problems += Self.joinProblems(section, field: "transition.section") }
        }
        problems += request.pace?.problems(numScenes: request.numScenes) ?? []
        if let image = request.image { try await assets.checkImage(image, field: "image", problems: &problems) }
        let song = try await assets.song(request.audio, field: "audio", problems: &problems)
        if let song, let tooLong = limits.songProblem(duration: song.duration, field: "audio") { problems.append(tooLong) }
        let video = resolve(request.model, .video, field: "model", for: request.videoNeeds, problems: &problems)
        let image = request.image == nil ? resolve(request.imageModel, .image, field: "image_model", problems: &problems) : nil
        let scenes = resolve(request.scenesModel, .scenes, field: "scenes_model", problems: &problems)
        if let video { problems += request.videoNeeds.problems(for: video).map(FieldProblem.init) }
        // The reference is made in the clips' shape: the request's, else the video model's first.
        if let image, let video {
            problems += image.imageProblems(aspectRatio: request.aspectRatio ?? video.aspectRatios.first).map(FieldProblem.init)
        }
        guard problems.isEmpty, let song, let video, let scenes else { throw ValidationFailure(problems) }

        let analysis: BeatAnalysis = try await store.withLocalFile(of: song.asset) { path in
            do throws(MediaError) {
                return try await BeatTracker.analyze(path, on: probes)
            } catch {
                if error.kind == .cancelled { throw error }
                // The stored song no longer reads (gone, damaged): the request's fault, not the server's.
                throw ValidationFailure([FieldProblem("audio", "the song cannot be analysed: \(error.message)")])
            }
        }
        let plan: MusicVideoPlan
        switch Result(catching: { () throws(MediaError) in
            try MusicVideoPlan(analysis: analysis, count: request.numScenes, pace: request.pace, model: video)
        }) {
        case .success(let made): plan = made
        case .failure(let error):
            let field = request.numScenes != nil ? "num_scenes" : request.pace.map { $0 == .auto ? "audio" : "pace.bars_per_scene" } ?? "audio"
            throw ValidationFailure([FieldProblem(field, error.message)])
        }
        var estimate = Estimate()
        add(scenes, usd: scenes.estimatedCost(tokens: CatalogModel.expectedSceneTokens(scenes: plan.scenes.count)), to: &estimate)
        if let image { add(image, usd: image.estimatedCost(images: 1), to: &estimate) }
        add(video, usd: plan.scenes.reduce(0) { $0 + video.estimatedCost(videoSeconds: $1.generateDuration) }, to: &estimate)
        let over = GenerationFields.budgetProblem(estimate: estimate.total, budget: request.budgetUSD)
        if !over.isEmpty { throw ValidationFailure(over) }
        return estimate
    }

    // MARK: - Pieces

    private static func joinProblems(_ join: MusicVideoRequest.Transition.Join, field: String) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if !MusicVideoPlan.transitionTypes.contains(join.type) {
            problems.append(
                FieldProblem(
                    "\(field).type", "unknown transition \(join.type); use \(MusicVideoPlan.transitionTypes.sorted().joined(separator: ", "))"))
        }
        if let duration = join.duration, !(duration.isFinite && duration >= 0 && duration <= MusicVideoPlan.longestTransition) {
            problems.append(FieldProblem("\(field).duration", "must be 0…\(MusicVideoPlan.longestTransition) seconds"))
        }
        return problems
    }

    private func resolve(
        _ id: String?, _ kind: CatalogModel.Kind, field: String, for needs: VideoNeeds? = nil, problems: inout [FieldProblem]
    ) -> CatalogModel? {
        switch generation.resolve(id, kind: kind, field: field, for: needs) {
        case .success(let model): return model
        case .failure(let problem):
            problems.append(FieldProblem(problem))
            return nil
        }
    }

    private func add(_ model: CatalogModel, usd: Double, to estimate: inout Estimate) {
        estimate.add(model, usd: usd, mock: generation.runsAsMock(model))
    }
}

extension FieldProblem {
    init(_ problem: ModelProblem) {
        self.init(problem.field, problem.message)
    }
}
