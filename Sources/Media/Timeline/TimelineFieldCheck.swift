import Foundation

extension Timeline {
    /// Every key of a timeline JSON that the schema does not have, with its path
    /// (`clips[2].ouy`): a misspelt field would otherwise be ignored in silence.
    public static func unknownFields(in json: Data) -> [FieldProblem] {
        guard let root = try? JSONSerialization.jsonObject(with: json) else { return [] }
        var problems: [FieldProblem] = []
        func check(_ value: Any, _ path: String, _ shape: Shape) {
            guard let object = value as? [String: Any] else { return }
            for key in object.keys.sorted() {
                let field = path.isEmpty ? key : "\(path).\(key)"
                guard shape.known.contains(key) else {
                    problems.append(FieldProblem(field, "unknown field; the fields here are \(shape.known.joined(separator: ", "))"))
                    continue
                }
                guard let child = shape.nested[key] else { continue }
                if child.isList, let items = object[key] as? [Any] {
                    for (index, item) in items.enumerated() { check(item, "\(field)[\(index)]", child) }
                } else {
                    check(object[key] as Any, field, child)
                }
            }
        }
        let overlays = Shape(names(TextOverlay.CodingKeys.self), isList: true)
        check(
            root, "",
            Shape(
                names(CodingKeys.self),
                nested: [
                    "clips": Shape(names(Clip.CodingKeys.self), isList: true, nested: ["overlays": overlays]),
                    "transition": Shape(names(Transition.CodingKeys.self)),
                    "transitions": Shape(names(Transition.CodingKeys.self), isList: true),
                    "audio": Shape(names(Soundtrack.CodingKeys.self)),
                    "beat_sync": Shape(names(BeatSync.CodingKeys.self)),
                    "output": Shape(names(OutputSettings.CodingKeys.self)),
                    "overlays": overlays,
                    "captions": Shape(
                        names(Captions.CodingKeys.self), nested: ["cues": Shape(names(CaptionCue.CodingKeys.self), isList: true)]),
                    "voiceover": Shape(
                        names(VoiceOver.CodingKeys.self), nested: ["ducking": Shape(names(Ducking.CodingKeys.self))]),
                    "outputs": Shape(
                        names(ExtraOutputs.CodingKeys.self),
                        nested: [
                            "poster": Shape(names(PosterOutput.CodingKeys.self)), "sprite": Shape(names(SpriteOutput.CodingKeys.self)),
                            "preview": Shape(names(PreviewOutput.CodingKeys.self)), "mp3": Shape(names(MP3Output.CodingKeys.self)),
                        ]),
                ]))
        return problems
    }

    /// The keys an object may have, and the objects (or lists of them) under some keys.
    private struct Shape {
        let known: [String]
        var isList = false
        var nested: [String: Shape] = [:]

        init(_ known: [String], isList: Bool = false, nested: [String: Shape] = [:]) {
            self.known = known
            self.isList = isList
            self.nested = nested
        }
    }

    private static func names<Key: CodingKey & CaseIterable>(_ keys: Key.Type) -> [String] {
        keys.allCases.map(\.stringValue)
    }
}
