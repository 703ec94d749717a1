import Foundation

/// Where a text overlay sits: a named band, or its top-left corner as fractions of the frame.
public enum OverlayPosition: Sendable, Equatable {
    case top, center, bottom
    case point(x: Double, y: Double)

    /// `top`, `center`, `bottom`, or `X,Y` with both in 0…1; nil for anything else.
    public init?(_ text: String) {
        switch text {
        case "top": self = .top
        case "center": self = .center
        case "bottom": self = .bottom
        default:
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let x = Double(parts[0]), let y = Double(parts[1]),
                (0...1).contains(x), (0...1).contains(y)
            else { return nil }
            self = .point(x: x, y: y)
        }
    }
}

/// The checks of still-image and overlay fields that need no media.
extension TimelinePlanner {
    /// Overlays in one timeline, its clips' included.
    public static let maxOverlays = 100
    /// Characters in one overlay's text.
    public static let maxOverlayTextLength = 500
    public static let overlaySizeRange = 6...512
    public static let motionStrengthRange = 0.0...1.0

    static func stillProblems(_ clip: Clip, field: String, limits: TimelineLimits) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if let duration = clip.duration {
            let limit = min(maxSeconds, limits.maxOutputSeconds)
            if !(duration.isFinite && duration > 0 && duration <= limit) {
                problems.append(FieldProblem("\(field).duration", "must be more than 0 and at most \(number(limit)) seconds (got \(duration))"))
            }
        }
        if let strength = clip.motionStrength, !motionStrengthRange.contains(strength) {
            problems.append(FieldProblem("\(field).motion_strength", "must be 0…1, the zoom's growth as a fraction (got \(strength))"))
        }
        return problems
    }

    static func overlayProblems(_ timeline: Timeline) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        var lists: [(String, [TextOverlay])] = []
        if let overlays = timeline.overlays { lists.append(("overlays", overlays)) }
        for (index, clip) in timeline.clips.enumerated() {
            if let overlays = clip.overlays { lists.append(("clips[\(index)].overlays", overlays)) }
        }
        let count = lists.reduce(0) { $0 + $1.1.count }
        if count > maxOverlays {
            // Past the limit nothing per overlay is looked at: that is the work being refused.
            return [FieldProblem(lists[0].0, "\(count) overlays is more than the limit of \(maxOverlays) per timeline")]
        }
        for (path, overlays) in lists {
            for (index, overlay) in overlays.enumerated() {
                problems += overlayProblems(overlay, field: "\(path)[\(index)]")
            }
        }
        return problems
    }

    private static func overlayProblems(_ overlay: TextOverlay, field: String) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        func problem(_ name: String, _ message: String) { problems.append(FieldProblem("\(field).\(name)", message)) }
        if overlay.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problem("text", "must not be empty")
        } else if overlay.text.count > maxOverlayTextLength {
            problem("text", "is \(overlay.text.count) characters, more than the limit of \(maxOverlayTextLength)")
        } else if overlay.text.unicodeScalars.contains(where: { $0 != "\n" && $0.properties.generalCategory == .control }) {
            problem("text", "has control characters; only line breaks (\\n) are allowed")
        }
        let startValid = overlay.start.isFinite && overlay.start >= 0 && overlay.start <= maxSeconds
        if !startValid { problem("start", "must be 0…\(number(maxSeconds)) seconds (got \(overlay.start))") }
        if let end = overlay.end {
            if !(end.isFinite && end <= maxSeconds) {
                problem("end", "must be at most \(number(maxSeconds)) seconds (got \(end))")
            } else if startValid, end <= overlay.start {
                problem("end", "must be greater than start (\(overlay.start)) (got \(end))")
            }
        }
        if OverlayPosition(overlay.position) == nil {
            problem("position", "'\(overlay.position.prefix(40))' is not a position; use top, center, bottom, or X,Y as fractions 0…1 (e.g. 0.1,0.8)")
        }
        if let size = overlay.size, !overlaySizeRange.contains(size) {
            problem("size", "must be \(overlaySizeRange.lowerBound)…\(overlaySizeRange.upperBound) pixels (got \(size))")
        }
        if overlay.color.count > 64 || !isColor(overlay.color) {
            problem("color", "'\(overlay.color.prefix(40))' is not a colour; use #RRGGBB, a name such as white, optionally @alpha (white@0.8)")
        }
        if !(overlay.fade.isFinite && overlay.fade >= 0 && overlay.fade <= 60) {
            problem("fade", "must be 0…60 seconds (got \(overlay.fade))")
        } else if let end = overlay.end, startValid, end > overlay.start, overlay.fade * 2 > end - overlay.start + 1e-9 {
            problem("fade", "\(overlay.fade) s fades in and out, longer than half the overlay's \(format(end - overlay.start)) s")
        }
        return problems
    }
}
