import Foundation
import Generation
import Hummingbird

/// `GET /api/models` (the catalog, and which models run for real here) and
/// `GET /api/costs` (spend by day and model).
struct CatalogController {
    let generation: GenerationService
    let costs: CostRepository

    /// The controller's routes, added to the router as one collection.
    var routes: RouteCollection<ServerContext> {
        let router = RouteCollection(context: ServerContext.self)
        router.get("/api/models", use: models)
        router.get("/api/costs", use: costSummary)
        return router
    }

    struct ModelEntry: Encodable {
        let model: CatalogModel
        /// False when the provider has no key here: the mock provider plays the model.
        let available: Bool

        enum CodingKeys: String, CodingKey { case available }

        func encode(to encoder: any Encoder) throws {
            try model.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(available, forKey: .available)
        }
    }

    struct ModelList: Encodable {
        let models: [ModelEntry]
        let defaults: [String: String]
    }

    @Sendable func models(_ request: Request, context: ServerContext) async throws -> Response {
        var kind: CatalogModel.Kind?
        if let text = request.uri.queryParameters.get("kind") {
            guard let parsed = CatalogModel.Kind(rawValue: text) else {
                throw Problem.badRequest("kind must be video, image or scenes", type: "bad_filter")
            }
            kind = parsed
        }
        let catalog = generation.catalog
        let models = catalog.models.filter { kind == nil || $0.kind == kind }.map { model in
            ModelEntry(model: model, available: model.provider == "mock" || !generation.runsAsMock(model))
        }
        // A video request that names no model gets a text-to-video model for a prompt alone
        // (`video`) and an image-to-video one when it gives a start image (`video_from_image`).
        var defaults: [String: String] = [:]
        let asks: [(String, CatalogModel.Kind, VideoNeeds?)] = [
            ("video", .video, VideoNeeds(hasImage: false)), ("video_from_image", .video, VideoNeeds(hasImage: true)),
            ("image", .image, nil), ("scenes", .scenes, nil),
        ]
        for (name, kind, needs) in asks {
            if let model = catalog.defaultModel(kind, for: needs, configured: generation.isConfigured) { defaults[name] = model.id }
        }
        return try JSONResponse.make(ModelList(models: models, defaults: defaults))
    }

    struct CostSummary: Encodable {
        let from: String
        let to: String
        let estimatedUSD: Double
        let actualUSD: Double
        let byDayAndModel: [CostRepository.DailyModelCost]

        enum CodingKeys: String, CodingKey {
            case from, to
            case estimatedUSD = "estimated_usd"
            case actualUSD = "actual_usd"
            case byDayAndModel = "by_day_and_model"
        }
    }

    /// `?from=YYYY-MM-DD&to=YYYY-MM-DD` (UTC days, both included); the last 30 days by default.
    @Sendable func costSummary(_ request: Request, context: ServerContext) async throws -> Response {
        let day = 86_400.0
        let today = (Date().timeIntervalSince1970 / day).rounded(.down) * day
        let to = try Self.day(request.uri.queryParameters.get("to"), field: "to") ?? today
        let from = try Self.day(request.uri.queryParameters.get("from"), field: "from") ?? to - 29 * day
        guard from <= to else { throw Problem.badRequest("from must not be after to", type: "bad_filter") }
        let rows = try await costs.byDayAndModel(from: from, to: to + day, owner: context.visibility.ownerFilter)
        let summary = CostSummary(
            from: Self.format(from), to: Self.format(to),
            estimatedUSD: CostRepository.cents(rows.reduce(0) { $0 + $1.estimatedUSD }),
            actualUSD: CostRepository.cents(rows.reduce(0) { $0 + $1.actualUSD }), byDayAndModel: rows)
        return try JSONResponse.make(summary)
    }

    private static func day(_ text: String?, field: String) throws -> Double? {
        guard let text else { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        if parts.count == 3, text.count == 10 { (components.year, components.month, components.day) = (parts[0], parts[1], parts[2]) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard parts.count == 3, text.count == 10, components.isValidDate(in: calendar), let date = calendar.date(from: components) else {
            throw Problem.badRequest("\(field) must be a date like 2026-11-21", type: "bad_filter")
        }
        return date.timeIntervalSince1970
    }

    private static func format(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
