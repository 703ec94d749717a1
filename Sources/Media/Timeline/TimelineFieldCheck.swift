import Foundation

extension Timeline {
    /// Every key of a timeline JSON that the schema does not have, with its path
    /// (`clips[2].ouy`): a misspelt field would otherwise be ignored in silence.
    public static func unknownFields(in json: Data) -> [FieldProblem] {
        guard let root = try? JSONSerialization.jsonObject(with: json) else { return [] }
        var problems: [FieldProblem] = []
        func check(_ value: Any, _ path: String, _ known: [String], nested: [String: (known: [String], isList: Bool)] = [:]) {
            guard let object = value as? [String: Any] else { return }
            for key in object.keys.sorted() {
                let field = path.isEmpty ? key : "\(path).\(key)"
                guard known.contains(key) else {
                    problems.append(FieldProblem(field, "unknown field; the fields here are \(known.joined(separator: ", "))"))
                    continue
                }
                guard let child = nested[key] else { continue }
                if child.isList, let items = object[key] as? [Any] {
                    for (index, item) in items.enumerated() { check(item, "\(field)[\(index)]", child.known) }
                } else {
                    check(object[key] as Any, field, child.known)
                }
            }
        }
        check(
            root, "", names(CodingKeys.self),
            nested: [
                "clips": (names(Clip.CodingKeys.self), true),
                "transition": (names(Transition.CodingKeys.self), false),
                "transitions": (names(Transition.CodingKeys.self), true),
                "audio": (names(Soundtrack.CodingKeys.self), false),
                "beat_sync": (names(BeatSync.CodingKeys.self), false),
                "output": (names(OutputSettings.CodingKeys.self), false),
            ])
        return problems
    }

    private static func names<Key: CodingKey & CaseIterable>(_ keys: Key.Type) -> [String] {
        keys.allCases.map(\.stringValue)
    }
}
