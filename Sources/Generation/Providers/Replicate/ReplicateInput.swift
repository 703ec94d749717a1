/// Our requests in each Replicate model's own input names (see backends.md); a model
/// we do not know gets the common `prompt, duration, aspect_ratio, image`.
enum ReplicateInput {
    static func video(_ request: VideoGenerationRequest, imageURL: String?) -> JSONValue {
        var input = ModelInput(defaults: request.model.defaults)
        input.set("prompt", request.prompt)
        let path = request.model.path.lowercased()
        let duration = JSONValue.number(request.duration)
        if path.hasPrefix("google/veo") {
            input.set("aspect_ratio", request.aspectRatio)
            input.set("duration", duration)
            input.set("resolution", request.resolution)
            input.set("image", imageURL)
            input.set("negative_prompt", request.negativePrompt)
            input.set("seed", request.seed.map { JSONValue.number(Double($0)) })
        } else if path.hasPrefix("kwaivgi/kling") {
            // Kling's resolution is its mode: standard makes 720p, pro 1080p (else the catalog's default).
            switch request.resolution {
            case "720p": input.set("mode", JSONValue.string("standard"))
            case "1080p": input.set("mode", JSONValue.string("pro"))
            default: break
            }
            input.set("start_image", imageURL)
            input.set("duration", duration)
            input.set("negative_prompt", request.negativePrompt)
        } else if path.hasPrefix("minimax/hailuo") {
            input.set("first_frame_image", imageURL)
            input.set("duration", duration)
            input.set("resolution", request.resolution)
        } else {
            input.set("duration", duration)
            input.set("aspect_ratio", request.aspectRatio)
            input.set("image", imageURL)
        }
        return input.json
    }

    static func image(_ request: ImageGenerationRequest) -> JSONValue {
        var input = ModelInput(defaults: request.model.defaults)
        input.set("prompt", request.prompt)
        input.set("aspect_ratio", request.aspectRatio)
        if request.model.path.lowercased().hasPrefix("google/imagen"), input.fields["output_format"] == nil {
            input.set("output_format", JSONValue.string("png"))
        }
        return input.json
    }
}
