import Foundation
import Media

/// Top-level integer fields of a JSON body that are numbers but not whole numbers an
/// `Int` holds (1e300, 1e19, 1e-300): JSONDecoder calls those "not valid JSON" and names
/// no field, so they are found here first and reported with their field.
enum WholeNumberFields {
    static func problems(in body: Data, fields: [String]) -> [FieldProblem] {
        guard !fields.isEmpty, let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return [] }
        return fields.compactMap { field in
            // true/false bridge to 1/0, which pass here; the decoder refuses them.
            guard let number = object[field] as? NSNumber else { return nil }
            let value = number.doubleValue
            if value == value.rounded(.towardZero), CheckedConversion.int(value) != nil { return nil }
            return FieldProblem(field, "must be a whole number in range (got \(number))")
        }
    }
}
