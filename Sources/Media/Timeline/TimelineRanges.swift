/// Every number of a timeline checked against its range before any arithmetic uses it,
/// each problem naming its field. Needs no media, so a server runs it on every request
/// (even one whose URL sources are fetched later).
extension TimelinePlanner {
    public static let volumeRange = 0.0...10.0
    public static let truePeakRange = -9.0...0.0
    public static let frameRateRange = 1.0...maxFrameRate
    public static let crfRange = 0...51
    public static let audioBitrateRange = 32_000...512_000
    public static let everyRange = 1...64
    public static let maxShiftRange = 0.0...2.0

    /// A limit or value for a message: 86400, 0.5, 2.01e+09 (never a trap on 1e300).
    static func number(_ value: Double) -> String {
        if let whole = CheckedConversion.int64(value), Double(whole) == value, abs(value) < 1e12 { return String(whole) }
        return format(value)
    }

    public static func numberProblems(_ timeline: Timeline, limits: TimelineLimits = .media) -> [FieldProblem] {
        var problems = limitProblems(
            clipCount: timeline.clips.count, transitionCount: timeline.transitions?.count ?? 0,
            output: timeline.output, limits: limits)
        func problem(_ field: String, _ message: String) { problems.append(FieldProblem(field, message)) }
        func seconds(_ field: String, _ value: Double, upTo limit: Double) {
            if !(value.isFinite && value >= 0 && value <= limit) { problem(field, "must be 0…\(number(limit)) seconds (got \(value))") }
        }
        func within(_ field: String, _ value: Double, _ range: ClosedRange<Double>, _ unit: String = "") {
            if !range.contains(value) { problem(field, "must be \(number(range.lowerBound))…\(number(range.upperBound))\(unit) (got \(value))") }
        }

        // Past the clip limit nothing per clip is looked at: that is the work being refused.
        if timeline.clips.count <= limits.maxClips {
            for (index, clip) in timeline.clips.enumerated() {
                seconds("clips[\(index)].in", clip.in, upTo: maxSeconds)
                if let out = clip.out {
                    if !(out.isFinite && out <= maxSeconds) {
                        problem("clips[\(index)].out", "must be at most \(number(maxSeconds)) seconds (got \(out))")
                    } else if clip.in.isFinite, out <= clip.in {
                        problem("clips[\(index)].out", "must be greater than in (\(clip.in)) (got \(out))")
                    }
                }
                within("clips[\(index)].volume", clip.volume, volumeRange)
                problems += stillProblems(clip, field: "clips[\(index)]", limits: limits)
            }
            problems += overlayProblems(timeline)
            problems += captionProblems(timeline.captions)
        }
        let transitionLimit = min(maxSeconds, limits.maxOutputSeconds)
        if let transition = timeline.transition { seconds("transition.duration", transition.duration, upTo: transitionLimit) }
        if let transitions = timeline.transitions, transitions.count <= limits.maxClips {
            for (index, transition) in transitions.enumerated() {
                seconds("transitions[\(index)].duration", transition.duration, upTo: transitionLimit)
            }
        }
        if let audio = timeline.audio {
            seconds("audio.start", audio.start, upTo: maxSeconds)
            seconds("audio.fade_in", audio.fadeIn, upTo: limits.maxOutputSeconds)
            seconds("audio.fade_out", audio.fadeOut, upTo: limits.maxOutputSeconds)
            within("audio.volume", audio.volume, volumeRange)
            within("audio.clip_audio_volume", audio.clipAudioVolume, volumeRange)
            if let loudness = audio.loudness, !loudnessRange.contains(loudness) {
                problem("audio.loudness", "must be −70…−5 LUFS (got \(loudness)), or null to turn normalization off")
            }
            if !truePeakRange.contains(audio.truePeak) { problem("audio.true_peak", "must be −9…0 dBTP (got \(audio.truePeak))") }
        }
        if let sync = timeline.beatSync {
            if !everyRange.contains(sync.every) {
                problem("beat_sync.every", "must be \(everyRange.lowerBound)…\(everyRange.upperBound) beats (got \(sync.every))")
            }
            within("beat_sync.max_shift", sync.maxShift, maxShiftRange, " seconds")
        }
        if let voiceover = timeline.voiceover { problems += voiceOverProblems(voiceover) }
        if let outputs = timeline.outputs { problems += extraOutputProblems(outputs) }
        return problems
    }

    /// The checks that need only the clip count and the output settings: a server runs
    /// them on a request's head before it decodes a single clip.
    public static func limitProblems(
        clipCount: Int, transitionCount: Int, output: OutputSettings,
        limits: TimelineLimits
    ) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        func problem(_ field: String, _ message: String) { problems.append(FieldProblem(field, message)) }
        if clipCount > limits.maxClips {
            problem("clips", "\(clipCount) clips is more than the limit of \(limits.maxClips) per timeline; render in parts and join them")
        }
        if transitionCount > limits.maxClips {
            problem("transitions", "\(transitionCount) transitions is more than the limit of \(limits.maxClips) per timeline")
        }
        for (name, value) in [("width", output.width), ("height", output.height)] {
            guard let value else { continue }
            if value < minOutputDimension || value > maxOutputDimension {
                problem("output.\(name)", "must be \(minOutputDimension)…\(maxOutputDimension) (got \(value))")
            } else if value % 2 != 0 {
                problem("output.\(name)", "must be even for 4:2:0 video (got \(value)); try \(value + 1)")
            }
        }
        if let fps = output.fps, !frameRateRange.contains(fps) {
            problem("output.fps", "must be \(number(frameRateRange.lowerBound))…\(number(frameRateRange.upperBound)) (got \(fps))")
        }
        if let width = output.width, let height = output.height, let fps = output.fps {
            problems += pixelRateProblems(width: width, height: height, fps: fps, limits: limits, field: "output.fps")
        }
        if !crfRange.contains(output.crf) {
            problem("output.crf", "must be \(crfRange.lowerBound)…\(crfRange.upperBound) (got \(output.crf))")
        } else if output.crf < limits.minCRF {
            problem("output.crf", "must be at least \(limits.minCRF) here (got \(output.crf)); lower values make near-lossless, very large files")
        }
        if !limits.allows(preset: output.preset) {
            problem(
                "output.preset",
                "\(output.preset) is slower than the slowest allowed here (\(limits.slowestPreset)); use \(limits.slowestPreset) or faster")
        }
        if !audioBitrateRange.contains(output.audioBitrate) {
            problem("output.audio_bitrate", "must be 32000…512000 bits per second (got \(output.audioBitrate))")
        }
        return problems
    }

    /// width × height × fps against the limit (in Double: the product of hostile Ints would overflow).
    static func pixelRateProblems(width: Int, height: Int, fps: Double, limits: TimelineLimits, field: String) -> [FieldProblem] {
        let rate = Double(width) * Double(height) * fps
        guard rate > limits.maxPixelRate else { return [] }
        return [
            FieldProblem(
                field,
                "\(width)x\(height) at \(number(fps)) fps is \(number(rate)) pixels per second, more than the limit of "
                    + "\(number(limits.maxPixelRate)) (width × height × fps); lower the size or the frame rate")
        ]
    }
}
