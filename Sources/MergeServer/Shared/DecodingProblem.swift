import Foundation
import Media

/// Turns a JSON decoding error into a field problem a person can act on:
/// `clips[2].out must be a number`, `clips[0].source is missing`.
public enum DecodingProblem {
    public static func fieldProblem(_ error: DecodingError) -> FieldProblem {
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let underlying = (context.underlyingError as NSError?)?.userInfo["NSDebugDescription"] as? String
                return FieldProblem("", "malformed JSON (\(underlying ?? context.debugDescription))")
            }
            return FieldProblem(path(context.codingPath), context.debugDescription)
        case .keyNotFound(let key, let context):
            return FieldProblem(path(context.codingPath + [key]), "is missing")
        case .typeMismatch(let type, let context):
            return FieldProblem(path(context.codingPath), "must be \(typeName(type))")
        case .valueNotFound(let type, let context):
            return FieldProblem(path(context.codingPath), "must be \(typeName(type)), not null")
        @unknown default:
            return FieldProblem("", "\(error)")
        }
    }

    /// `clips[3].out` from a coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.reduce("") { text, key in
            if let index = key.intValue { return text + "[\(index)]" }
            return text.isEmpty ? key.stringValue : text + "." + key.stringValue
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Int.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}
