import Foundation
import Media

/// Unknown fields of a JSON body: at the top, and in the nested objects named in
/// `nested` (key → its fields).
enum StrictFields {
    static func unknown(in body: Data, known: [String], nested: [String: [String]] = [:]) -> [FieldProblem] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return [] }
        func unknown(_ object: [String: Any], _ known: [String], path: String) -> [FieldProblem] {
            object.keys.sorted().filter { !known.contains($0) }.map {
                FieldProblem(path + $0, "unknown field; the fields here are \(known.joined(separator: ", "))")
            }
        }
        var problems = unknown(object, known, path: "")
        // A nested key may be a path ("transition.section").
        for (key, fields) in nested.sorted(by: { $0.key < $1.key }) {
            var child: Any? = object
            for part in key.split(separator: ".") { child = (child as? [String: Any])?[String(part)] }
            if let child = child as? [String: Any] { problems += unknown(child, fields, path: key + ".") }
        }
        return problems
    }
}
