import Media

extension ServerLimits {
    /// The timeline limits API callers get (the command line renders with Media's own, wider ones).
    var timeline: TimelineLimits {
        TimelineLimits(
            maxClips: maxClips, maxOutputSeconds: maxOutputSeconds, maxPixelRate: maxPixelRate,
            minCRF: minCRF, slowestPreset: slowestPreset)
    }

    /// A song longer than `maxSongSeconds` is not analysed: the problem for `field`, or nil.
    func songProblem(duration: Double, field: String) -> FieldProblem? {
        Self.songProblem(duration: duration, limit: maxSongSeconds, field: field)
    }

    static func songProblem(duration: Double, limit maxSongSeconds: Double, field: String) -> FieldProblem? {
        guard !(duration <= maxSongSeconds) else { return nil }
        return FieldProblem(
            field,
            "the song is \(String(format: "%.0f", duration)) s long, more than the "
                + "\(String(format: "%.0f", maxSongSeconds)) s that are analysed here; trim it and upload it again")
    }
}
