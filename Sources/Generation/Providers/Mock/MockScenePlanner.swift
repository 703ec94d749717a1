import Foundation

/// Plans scenes without a language model: exactly `numScenes` scenes built from the
/// idea (or, with lyrics, one lyric line per scene in song order) and fixed templates
/// for shot, camera move, lighting and style. Which templates, and in what rotation,
/// comes from a SHA-256 of the idea, style and lyrics, so the same request always gives
/// the same plan and consecutive scenes differ.
public struct MockScenePlanner: ScenePlanner {
    public init() {}

    public func planScenes(_ request: ScenePlanRequest) async throws -> ScenePlan {
        try request.validateSceneCount(provider: "mock")
        let idea = Self.oneLine(request.idea)
        guard !idea.isEmpty else {
            throw ProviderError(.validation, "the idea is empty; describe what the video is about", provider: "mock")
        }
        let style = request.style.map(Self.oneLine).flatMap { $0.isEmpty ? nil : $0 }
        let lyricLines = Self.lyricLines(request.lyrics)
        let fingerprint = MockFingerprint(["scenes", idea, style ?? "", lyricLines.joined(separator: "\n")])
        let count = request.numScenes
        let scenes = (0..<count).map { index in
            let lyric = lyricLines.isEmpty ? nil : lyricLines[index * lyricLines.count / count]
            return Self.scene(index, of: count, idea: idea, lyric: lyric, style: style, fingerprint: fingerprint)
        }
        return ScenePlan(scenes: scenes, tokens: 0, isMock: true)
    }

    static func scene(
        _ index: Int, of count: Int, idea: String, lyric: String?, style: String?,
        fingerprint: MockFingerprint
    ) -> SceneIdea {
        // Each bank starts at a place chosen by the digest and steps by a number coprime
        // with its size, so neighbouring scenes never repeat a template.
        func rotate(_ bank: [String], slot: Int, step: Int) -> String {
            bank[(fingerprint.index(bank.count, slot: slot) + index * step) % bank.count]
        }
        let stage = Templates.stages[min(Templates.stages.count - 1, index * Templates.stages.count / count)]
        let shot = rotate(Templates.shots, slot: 2, step: 4)
        let camera = rotate(Templates.cameraMoves, slot: 3, step: 5)
        let lighting = rotate(Templates.lighting, slot: 4, step: 3)
        let mood = rotate(Templates.moods, slot: 5, step: 7)
        let look = style ?? Templates.styles[fingerprint.index(Templates.styles.count, slot: 6)]
        let subject =
            lyric.map { "\(Self.clipped(idea, to: 160)), evoking \"\(Self.clipped($0, to: 120))\"" }
            ?? Self.clipped(idea, to: 200)

        let description = "Scene \(index + 1) of \(count) (\(stage)): \(Self.clipped(lyric ?? idea, to: 80))"
        let prompt =
            "\(shot) of \(subject). \(camera), \(lighting). \(mood) mood, \(stage) of the story. "
            + "Style: \(look). Smooth natural motion, consistent subject, high detail, no text or watermark."
        return SceneIdea(description: description, prompt: prompt)
    }

    /// Lines that are sung: blank lines and section tags ("[Chorus]", "(x2)") dropped.
    static func lyricLines(_ lyrics: String?) -> [String] {
        guard let lyrics else { return [] }
        return lyrics.split(whereSeparator: \.isNewline).map { oneLine(String($0)) }.filter { line in
            guard !line.isEmpty else { return false }
            let tag = (line.hasPrefix("[") && line.hasSuffix("]")) || (line.hasPrefix("(") && line.hasSuffix(")"))
            return !tag
        }
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }

    static func clipped(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)).trimmingCharacters(in: .whitespaces) + "…"
    }

    enum Templates {
        static let stages = ["opening", "introduction", "build-up", "turning point", "climax", "release", "resolution", "finale"]
        static let shots = [
            "Wide establishing shot", "Medium shot", "Close-up", "Extreme close-up on textures",
            "Low-angle hero shot", "High-angle overhead shot", "Over-the-shoulder shot",
            "Silhouette against the sky", "Aerial drone view",
        ]
        static let cameraMoves = [
            "slow dolly-in", "smooth tracking shot left to right", "gentle crane up", "handheld follow",
            "orbiting 180-degree arc", "slow push-out reveal", "static locked-off frame with subtle parallax",
            "whip pan into focus", "rack focus from foreground to subject", "low steadicam glide", "slow tilt down",
            "dolly zoom",
        ]
        static let lighting = [
            "golden-hour backlight with lens flare", "soft overcast daylight", "neon rim light in blue and magenta",
            "moody low-key chiaroscuro", "warm practical lamps", "cold moonlight with haze",
            "high-key studio light", "flickering firelight", "volumetric god rays through mist", "harsh midday sun",
        ]
        static let moods = [
            "dreamy", "energetic", "melancholic", "triumphant", "mysterious", "playful", "tense", "serene",
            "nostalgic", "euphoric", "intimate",
        ]
        static let styles = [
            "cinematic 35mm film, shallow depth of field, natural grain",
            "anamorphic widescreen, teal-and-orange grade",
            "vintage 16mm home movie, warm faded colours",
            "hyperreal 4K commercial look, crisp and saturated",
            "painterly animated look, soft brush textures",
            "black-and-white noir, deep contrast",
            "music video aesthetic, bold colours and strobing highlights",
            "documentary realism, available light",
        ]
    }
}
