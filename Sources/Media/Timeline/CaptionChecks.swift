import Foundation

/// The checks of `captions` that need no file, and the placing of its cues on the video.
extension TimelinePlanner {
    public static let captionSizeRange = 8...256

    static func captionProblems(_ captions: Captions?) -> [FieldProblem] {
        guard let captions else { return [] }
        var problems: [FieldProblem] = []
        func problem(_ name: String, _ message: String) { problems.append(FieldProblem("captions\(name)", message)) }
        switch (captions.source, captions.cues) {
        case (nil, nil): problem("", "give source (an SRT or WebVTT file) or cues")
        case (.some, .some): problem("", "give source or cues, not both")
        default: break
        }
        if let source = captions.source, source.isEmpty { problem(".source", "must not be empty") }
        if let size = captions.size, !captionSizeRange.contains(size) {
            problem(".size", "must be \(captionSizeRange.lowerBound)…\(captionSizeRange.upperBound) pixels (got \(size))")
        }
        if !["bottom", "top"].contains(captions.position) {
            problem(".position", "'\(captions.position.prefix(40))' is not a caption position; use bottom or top")
        }
        guard let cues = captions.cues else { return problems }
        if cues.isEmpty { problem(".cues", "give at least one cue (start, end, text)") }
        if cues.count > CaptionFile.maxCues {
            // Past the limit nothing per cue is looked at: that is the work being refused.
            problem(".cues", "\(cues.count) cues is more than the limit of \(CaptionFile.maxCues)")
            return problems
        }
        for (index, cue) in cues.enumerated() {
            let field = ".cues[\(index)]"
            let startValid = cue.start.isFinite && cue.start >= 0 && cue.start <= maxSeconds
            if !startValid { problem("\(field).start", "must be 0…\(number(maxSeconds)) seconds (got \(cue.start))") }
            if !(cue.end.isFinite && cue.end <= maxSeconds) {
                problem("\(field).end", "must be at most \(number(maxSeconds)) seconds (got \(cue.end))")
            } else if startValid, cue.end <= cue.start {
                problem("\(field).end", "must be greater than start (\(cue.start)) (got \(cue.end))")
            }
            if cue.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                problem("\(field).text", "must not be empty")
            } else if cue.text.count > CaptionFile.maxCueLength {
                problem("\(field).text", "is \(cue.text.count) characters, more than the limit of \(CaptionFile.maxCueLength)")
            } else if cue.text.unicodeScalars.contains(where: { $0 != "\n" && $0.properties.generalCategory == .control }) {
                problem("\(field).text", "has control characters; only line breaks (\\n) are allowed")
            }
        }
        return problems
    }

    /// The cues of `captions` on a video `duration` seconds long: a cue past the end is
    /// dropped and one across it cut (a song's lyrics often run longer than the video).
    /// `readCaptions` reads a resolved source file; nil: it cannot be read now (a server
    /// checking a timeline whose files are in a bucket), and the plan has no captions.
    static func placeCaptions(
        _ captions: Captions?, duration: Double, height: Int,
        resolve: (String) throws(MediaError) -> String,
        readCaptions: (String) throws(MediaError) -> [CaptionCue]?
    ) throws(MediaError) -> RenderPlan.CaptionPlan? {
        guard let captions else { return nil }
        var cues: [CaptionCue]
        if let inline = captions.cues {
            cues = inline.sorted { $0.start < $1.start }
        } else if let source = captions.source {
            do throws(MediaError) {
                guard let read = try readCaptions(try resolve(source)) else { return nil }
                cues = read
            } catch {
                throw MediaError.invalid([FieldProblem("captions.source", error.description)])
            }
        } else {
            return nil
        }
        cues = cues.compactMap { cue in
            guard cue.start < duration else { return nil }
            return CaptionCue(start: cue.start, end: min(cue.end, duration), text: cue.text)
        }
        return RenderPlan.CaptionPlan(
            cues: cues, burn: captions.burn, size: captions.size ?? max(10, height / 18), position: captions.position)
    }
}
