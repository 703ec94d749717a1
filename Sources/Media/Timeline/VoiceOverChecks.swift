/// The checks of `voiceover`: its numbers (no media needed), then its source and start
/// against the media and the video's length.
extension TimelinePlanner {
    public static let duckingDepthRange = 0.0...40.0
    public static let duckingAttackRange = 0.001...2.0
    public static let duckingReleaseRange = 0.01...10.0

    static func voiceOverProblems(_ voiceover: VoiceOver) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        func within(_ field: String, _ value: Double, _ range: ClosedRange<Double>, _ unit: String) {
            if !range.contains(value) {
                problems.append(
                    FieldProblem("voiceover.\(field)", "must be \(number(range.lowerBound))…\(number(range.upperBound))\(unit) (got \(value))"))
            }
        }
        if !(voiceover.start.isFinite && voiceover.start >= 0 && voiceover.start <= maxSeconds) {
            problems.append(FieldProblem("voiceover.start", "must be 0…\(number(maxSeconds)) seconds of the output (got \(voiceover.start))"))
        }
        within("volume", voiceover.volume, volumeRange, "")
        within("ducking.depth", voiceover.ducking.depth, duckingDepthRange, " dB")
        within("ducking.attack", voiceover.ducking.attack, duckingAttackRange, " seconds")
        within("ducking.release", voiceover.ducking.release, duckingReleaseRange, " seconds")
        return problems
    }

    /// The voice's file, checked to have sound; nil (with the problem reported) otherwise.
    static func checkVoiceOver(
        _ voiceover: VoiceOver, resolve: (String) throws(MediaError) -> String,
        probe: (String) throws(MediaError) -> MediaInfo, problem: (String, String) -> Void
    ) -> RenderPlan.VoiceOverPlan? {
        do throws(MediaError) {
            let path = try resolve(voiceover.source)
            let info = try probe(path)
            _ = try info.requireAudio()
            return .init(path: path, info: info, settings: voiceover)
        } catch {
            problem("voiceover.source", error.description)
            return nil
        }
    }

    /// A voice that would start at or past the end of the video is refused, not dropped in silence.
    static func voiceOverStartProblem(_ voiceover: VoiceOver, duration: Double) -> FieldProblem? {
        guard voiceover.start.isFinite, voiceover.start >= duration else { return nil }
        return FieldProblem(
            "voiceover.start", "\(voiceover.start) s is at or past the end of the video (\(format(duration)) s); start it earlier")
    }
}
