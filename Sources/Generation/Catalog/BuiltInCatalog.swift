/// The model catalog shipped with the server: `Resources/models.yaml`, compiled into
/// the binary. `MERGE_SERVER_MODELS=FILE.yaml` adds models or replaces them by id (same
/// format). Prices are the providers' list prices in USD at the time of writing; they
/// are estimates, and the catalog is where to fix them.
enum BuiltInCatalog {
    static let yaml = String(decoding: PackageResources.models_yaml, as: UTF8.self)
}
