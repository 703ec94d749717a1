import Foundation

/// A model's input object: the catalog's defaults first, then what the request sets.
struct ModelInput: Sendable {
    private(set) var fields: [String: JSONValue]

    init(defaults: [String: ParameterValue]) {
        fields = defaults.mapValues { JSONValue($0) }
    }

    /// Sets `name` when the request has a value; a nil keeps the catalog default.
    mutating func set(_ name: String, _ value: JSONValue?) {
        if let value { fields[name] = value }
    }

    mutating func set(_ name: String, _ value: String?) {
        if let value { fields[name] = .string(value) }
    }

    var json: JSONValue { .object(fields) }
}

extension ReferenceImage {
    /// The image's bytes, for providers that take it inline; a file we cannot read is
    /// `.validation` (the request named an image that is not there).
    func contents(provider: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ProviderError(.validation, "cannot read the reference image \(path): \(error.localizedDescription)", provider: provider)
        }
    }
}
