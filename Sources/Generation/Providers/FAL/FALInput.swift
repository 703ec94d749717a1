/// Our requests in each FAL endpoint's input names (see backends.md). FAL spells
/// durations as strings ("5", "10") and hailuo resolutions in capitals ("768P").
enum FALInput {
    static func video(_ request: VideoGenerationRequest, imageURL: String?) -> JSONValue {
        var input = ModelInput(defaults: request.model.defaults)
        input.set("prompt", request.prompt)
        input.set("image_url", imageURL)
        input.set("duration", request.duration.durationText)
        let path = request.model.path.lowercased()
        if path.contains("kling") {
            input.set("negative_prompt", request.negativePrompt)
            // Image-to-video takes its shape from the image; text-to-video needs it.
            if imageURL == nil { input.set("aspect_ratio", request.aspectRatio) }
        } else if path.contains("hailuo") || path.contains("minimax") {
            input.set("resolution", request.resolution?.uppercased())
        } else {
            input.set("aspect_ratio", request.aspectRatio)
            input.set("negative_prompt", request.negativePrompt)
            input.set("seed", request.seed.map { JSONValue.number(Double($0)) })
        }
        return input.json
    }
}
