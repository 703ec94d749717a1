import Foundation
import Yams

/// The models requests may name, loaded from YAML (the built-in catalog, optionally
/// extended by a file), and the checks of a request against a model.
public struct ModelCatalog: Sendable {
    public static let providers: Set<String> = ["replicate", "fal", "gemini", "openai", "mock"]
    /// Longest video a request may ask of a model that lists no durations.
    public static let maxVideoSeconds: Double = 60
    /// Shorter asks for less than a frame or two of most models (and for no frame at all of a mock clip at 1e-300 s).
    public static let minVideoSeconds: Double = 0.5

    public private(set) var models: [CatalogModel]
    /// Per kind, model ids in order of preference for requests that name none.
    public private(set) var defaultModels: [CatalogModel.Kind: [String]]

    private struct File: Decodable {
        var defaultModels: [String: [String]]?
        var models: [CatalogModel]?

        enum CodingKeys: String, CodingKey {
            case defaultModels = "default_models"
            case models
        }
    }

    /// The catalog shipped with the server.
    public static func builtIn() throws(CatalogError) -> ModelCatalog {
        try parse(BuiltInCatalog.yaml, source: "built-in catalog")
    }

    /// The built-in catalog, extended (and overridden by id) by the file at `path`.
    public static func load(overridesAt path: String?) throws(CatalogError) -> ModelCatalog {
        var catalog = try builtIn()
        guard let path, !path.isEmpty else { return catalog }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CatalogError("cannot read the model catalog \(path); check MERGE_SERVER_MODELS")
        }
        catalog.merge(try parse(text, source: path))
        try catalog.check(source: path)
        return catalog
    }

    public static func parse(_ yaml: String, source: String) throws(CatalogError) -> ModelCatalog {
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: yaml)
        } catch {
            throw CatalogError("\(source) is not a valid model catalog: \(error)")
        }
        var defaults: [CatalogModel.Kind: [String]] = [:]
        for (name, ids) in file.defaultModels ?? [:] {
            guard let kind = CatalogModel.Kind(rawValue: name) else {
                throw CatalogError("\(source): default_models has an unknown kind \(name) (use video, image, scenes)")
            }
            defaults[kind] = ids
        }
        let catalog = ModelCatalog(models: file.models ?? [], defaultModels: defaults)
        try catalog.check(source: source, requireDefaults: false)
        return catalog
    }

    init(models: [CatalogModel], defaultModels: [CatalogModel.Kind: [String]]) {
        self.models = models
        self.defaultModels = defaultModels
    }

    public func model(_ id: String) -> CatalogModel? {
        models.first { $0.id == id }
    }

    public func models(of kind: CatalogModel.Kind) -> [CatalogModel] {
        models.filter { $0.kind == kind }
    }

    /// The model for a request that names none, among the kind's defaults that can serve
    /// `needs` (a prompt alone asks for a text-to-video model, a start image for an
    /// image-to-video one): the first whose provider is configured and that takes the
    /// request as it is, else the first configured (its limits then explain the refusal),
    /// else the first that takes it, else the first — those two played by the mock provider.
    /// Without such a default, the first model of the catalog that takes the input.
    public func defaultModel(_ kind: CatalogModel.Kind, for needs: VideoNeeds? = nil, configured: (String) -> Bool) -> CatalogModel? {
        let takesInput = { (model: CatalogModel) in needs.map { model.accepts(image: $0.hasImage) } ?? true }
        let fits = { (model: CatalogModel) in needs.map { $0.problems(for: model).isEmpty } ?? true }
        let candidates = (defaultModels[kind] ?? []).compactMap(model).filter(takesInput)
        return candidates.first { configured($0.provider) && fits($0) } ?? candidates.first { configured($0.provider) }
            ?? candidates.first(where: fits) ?? candidates.first ?? models(of: kind).first(where: takesInput)
    }

    /// `other`'s models replace ours with the same id and add the rest; its defaults win.
    mutating func merge(_ other: ModelCatalog) {
        for model in other.models {
            if let index = models.firstIndex(where: { $0.id == model.id }) { models[index] = model } else { models.append(model) }
        }
        defaultModels.merge(other.defaultModels) { _, new in new }
    }

    private func check(source: String, requireDefaults: Bool = true) throws(CatalogError) {
        var seen: Set<String> = []
        for model in models {
            let problem: String? =
                if !seen.insert(model.id).inserted { "the id \(model.id) appears twice" } else if !Self.providers.contains(model.provider) {
                    "model \(model.id) has an unknown provider \(model.provider) (use \(Self.providers.sorted().joined(separator: ", ")))"
                } else if model.inputs.isEmpty {
                    "model \(model.id) lists no inputs (use text, image or both)"
                } else if model.durations.contains(where: { !($0 > 0 && $0 <= 600) }) {
                    "model \(model.id) has a duration outside 0–600 s"
                } else if [model.price.perSecond, model.price.perImage, model.price.per1kTokens, model.price.perRequest]
                    .contains(where: { ($0 ?? 0) < 0 || !($0 ?? 0).isFinite })
                { "model \(model.id) has a negative price" } else { nil }
            if let problem { throw CatalogError("\(source): \(problem)") }
        }
        for (kind, ids) in defaultModels {
            for id in ids where model(id)?.kind != kind {
                throw CatalogError("\(source): default \(kind.rawValue) model \(id) is not a \(kind.rawValue) model of the catalog")
            }
        }
        if requireDefaults {
            for kind in CatalogModel.Kind.allCases where defaultModel(kind, configured: { _ in true }) == nil {
                throw CatalogError("\(source): no \(kind.rawValue) model in the catalog")
            }
        }
    }
}

public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
