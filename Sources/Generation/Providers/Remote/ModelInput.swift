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

extension Double {
    /// "5" for 5.0, "5.5" for 5.5: durations as providers spell them.
    var durationText: String {
        self == rounded() ? String(Int64(self)) : String(self)
    }
}
