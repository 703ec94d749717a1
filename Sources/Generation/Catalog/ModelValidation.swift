import Foundation

/// A request field the model cannot accept, with the values it can.
public struct ModelProblem: Error, Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

extension ModelCatalog {
    /// Resolves the request's `model` (or the default for `kind`) and says why it cannot
    /// serve this kind, listing what can.
    /// `needs`, for a video request, picks a default that can serve it.
    public func resolve(
        _ id: String?, kind: CatalogModel.Kind, field: String = "model", for needs: VideoNeeds? = nil,
        configured: (String) -> Bool
    ) -> Result<CatalogModel, ModelProblem> {
        let ofKind = models(of: kind).map(\.id)
        guard let id else {
            guard let model = defaultModel(kind, for: needs, configured: configured) else {
                let what = needs.map { $0.hasImage ? "image-to-video" : "text-to-video" } ?? kind.rawValue
                return .failure(ModelProblem(field: field, message: "the catalog has no \(what) model"))
            }
            return .success(model)
        }
        guard let model = model(id), model.kind == kind else {
            return .failure(ModelProblem(field: field, message: "unknown \(kind.rawValue) model \"\(id)\"; valid: \(ofKind.joined(separator: ", "))"))
        }
        return .success(model)
    }
}

extension CatalogModel {
    /// Every problem of a video request for this model (empty when it can make it).
    public func videoProblems(duration: Double?, aspectRatio: String?, resolution: String?, hasImage: Bool) -> [ModelProblem] {
        var problems: [ModelProblem] = []
        if let duration {
            if !durations.isEmpty, !durations.contains(duration) {
                problems.append(
                    ModelProblem(field: "duration", message: "\(id) makes clips of \(Self.list(durations)) seconds, not \(duration.durationText)"))
            } else if durations.isEmpty, !(duration >= ModelCatalog.minVideoSeconds && duration <= ModelCatalog.maxVideoSeconds) {
                problems.append(
                    ModelProblem(
                        field: "duration",
                        message:
                            "duration must be \(ModelCatalog.minVideoSeconds.durationText)…\(ModelCatalog.maxVideoSeconds.durationText) seconds (got \(duration.durationText))"
                    ))
            }
        }
        problems += choiceProblems(field: "aspect_ratio", value: aspectRatio, valid: aspectRatios)
        problems += choiceProblems(field: "resolution", value: resolution, valid: resolutions)
        if !accepts(image: hasImage) {
            problems.append(
                hasImage
                    ? ModelProblem(
                        field: "image",
                        message: "\(id) is text-to-video and takes no start image; leave out image or pick a model whose inputs include image")
                    : ModelProblem(
                        field: "image",
                        message:
                            "\(id) is image-to-video and needs a start image (an asset id or URL); give one, or leave out model for a text-to-video model"
                    ))
        }
        return problems
    }

    public func imageProblems(aspectRatio: String?) -> [ModelProblem] {
        choiceProblems(field: "aspect_ratio", value: aspectRatio, valid: aspectRatios)
    }

    /// The clip length to ask for so that `seconds` of it can be used: the shortest
    /// duration the model makes that is long enough, else its longest.
    public func duration(covering seconds: Double) -> Double {
        guard !durations.isEmpty else { return min(max(seconds, 1), ModelCatalog.maxVideoSeconds) }
        return durations.sorted().first { $0 >= seconds - 1e-6 } ?? durations.max() ?? seconds
    }

    private func choiceProblems(field: String, value: String?, valid: [String]) -> [ModelProblem] {
        guard let value, !valid.isEmpty, !valid.contains(value) else { return [] }
        return [ModelProblem(field: field, message: "\(id) accepts \(field) \(valid.joined(separator: ", ")), not \"\(value)\"")]
    }

    static func list(_ values: [Double]) -> String {
        let items = values.map(\.durationText)
        return items.count > 1 ? items.dropLast().joined(separator: ", ") + " or " + items[items.count - 1] : items.joined()
    }
}
