import Generation

// What a request asks of its video model: read the same way when the request is checked
// and when its job runs, so both pick the same default model.

extension GenerateVideoRequest {
    var videoNeeds: VideoNeeds {
        VideoNeeds(hasImage: image != nil, duration: duration, aspectRatio: aspectRatio, resolution: resolution)
    }
}

extension MusicVideoRequest {
    /// Every clip starts from the reference picture, the one given or the one generated.
    var videoNeeds: VideoNeeds {
        VideoNeeds(hasImage: true, aspectRatio: aspectRatio, resolution: resolution)
    }
}
