/// What a request to a model costs by the catalog's list prices, in USD.
extension CatalogModel {
    public func estimatedCost(videoSeconds: Double) -> Double {
        round(max(price.perRequest ?? 0, (price.perSecond ?? 0) * videoSeconds))
    }

    public func estimatedCost(images: Int) -> Double {
        round((price.perImage ?? 0) * Double(images) + (price.perRequest ?? 0))
    }

    public func estimatedCost(tokens: Int) -> Double {
        round((price.per1kTokens ?? 0) * Double(tokens) / 1000 + (price.perRequest ?? 0))
    }

    /// Tokens a scene plan is expected to take, for the estimate before it runs.
    public static func expectedSceneTokens(scenes: Int) -> Int { 600 + 150 * scenes }

    /// Costs are kept to a hundredth of a cent.
    private func round(_ usd: Double) -> Double { (usd * 10_000).rounded() / 10_000 }
}
