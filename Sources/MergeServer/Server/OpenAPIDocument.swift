import Foundation

/// The OpenAPI 3.1 description of every route: `Resources/openapi.yaml`, compiled into
/// the binary (nothing to find at run time) and served verbatim at GET /openapi.yaml.
/// A test compares its paths and methods with the router's and checks the responses
/// the suites produce against its schemas, so the two cannot drift.
enum OpenAPIDocument {
    static let bytes: [UInt8] = PackageResources.openapi_yaml
}
