import Foundation

extension JSONEncoder {
    /// The API's JSON: keys as the types declare them (snake_case), sorted for stable output.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
