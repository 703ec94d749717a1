import Foundation

/// What every scene planner asks for and accepts: the instruction, the user message,
/// the JSON schema of `{"scenes":[{"description","prompt"}]}`, and the check of the answer.
enum ScenePlanPrompt {
    static let systemInstruction = """
        You are the director of a music video. You turn a song's idea, lyrics and visual style into a \
        sequence of scenes, each of which will be generated as a separate 5-10 second AI video clip and then \
        cut together on the beat of the song.

        For every scene write:
        - "description": one short sentence saying what happens in the scene and why it belongs at this \
        point of the song (for the editor, not the video model).
        - "prompt": a self-contained prompt for a text-to-video model, 40-80 words, in English. Describe the \
        subject, the action, the setting, the lighting, the colour palette, the camera (shot size, lens, \
        movement) and the mood. Repeat the main character's look in every prompt so the clips stay \
        consistent, since the video model sees one prompt at a time. Describe only what is visible: no \
        sound, no on-screen text, no lyrics as captions, no real people's names, no brand names, nothing \
        violent or sexual.

        Follow the song's arc: establish the world first, build with the verses, peak at the chorus, and \
        resolve at the end. Vary shot sizes and camera movement from scene to scene. Keep every scene in \
        the requested style. Answer only with JSON matching the schema, with exactly the number of scenes \
        asked for, in playback order.
        """

    static func userMessage(_ request: ScenePlanRequest) -> String {
        var lines = ["Write exactly \(request.numScenes) scenes.", "", "Idea: \(request.idea)"]
        if let style = request.style, !style.isEmpty { lines += ["", "Visual style: \(style)"] }
        if let lyrics = request.lyrics, !lyrics.isEmpty { lines += ["", "Lyrics:", lyrics] }
        return lines.joined(separator: "\n")
    }

    /// `bounded` adds minItems/maxItems (Gemini's schema honours them; strict OpenAI-compatible
    /// servers may reject them, so the count is checked on our side anyway).
    static func schema(count: Int, bounded: Bool) -> JSONValue {
        var scenes: [String: JSONValue] = [
            "type": "array",
            "items": [
                "type": "object",
                "properties": [
                    "description": ["type": "string", "description": "What happens in the scene, one sentence."],
                    "prompt": ["type": "string", "description": "The text-to-video prompt for the scene."],
                ],
                "required": ["description", "prompt"],
                "additionalProperties": false,
            ],
        ]
        if bounded {
            scenes["minItems"] = .number(Double(count))
            scenes["maxItems"] = .number(Double(count))
        }
        return ["type": "object", "properties": ["scenes": .object(scenes)], "required": ["scenes"], "additionalProperties": false]
    }

    /// The scenes in the model's answer: the first `numScenes` of them; fewer, or one
    /// without a prompt, is a bad answer.
    static func scenes(from text: String, request: ScenePlanRequest, provider: String) throws -> [SceneIdea] {
        func bad(_ why: String) -> ProviderError {
            ProviderError(.badResponse, "the scene plan \(why)", provider: provider, mayHaveBeenAccepted: true)
        }
        guard let json = JSONValue.parse(Data(text.utf8)), let items = json["scenes"]?.array else {
            throw bad("is not JSON with a scenes list: \(text.prefix(200))")
        }
        guard items.count >= request.numScenes else {
            throw bad("has \(items.count) scenes, \(request.numScenes) were asked for")
        }
        return try items.prefix(request.numScenes).enumerated().map { index, item in
            let prompt = item["prompt"]?.string?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !prompt.isEmpty else { throw bad("has no prompt for scene \(index + 1)") }
            let description = item["description"]?.string?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return SceneIdea(description: description.isEmpty ? prompt : description, prompt: prompt)
        }
    }
}
