import Foundation
import Generation

/// `JSONValue` is Generation's; these read stored JSON text and encode our own types
/// with the API's encoder.
extension JSONValue {
    /// Parses stored JSON text; nil when it is not JSON.
    public init?(text: String?) {
        guard let text, let value = JSONValue.parse(Data(text.utf8)) else { return nil }
        self = value
    }

    /// The value of an encodable, as JSON.
    public init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder.api.encode(value))
    }
}
