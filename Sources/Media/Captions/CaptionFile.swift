import Foundation

/// Reads SubRip (.srt) and WebVTT (.vtt) caption files into cues, in Swift rather than
/// through FFmpeg's demuxers: a caption file is text, and a parser this small is easy to
/// hold to limits (size, cue count, text length) and to explain errors with a line number.
/// Markup is dropped (`<i>`, `<c.x>`, `<v Name>`, SubRip's `{\an8}`): cues are drawn and
/// muxed as plain text.
public enum CaptionFile {
    public static let maxBytes = 2 << 20
    public static let maxCues = 10_000
    public static let maxCueLength = 500

    public enum Format: String, Sendable { case srt, webvtt }

    /// Whether `data` starts like a caption file (WEBVTT, or a SubRip cue), to tell one apart
    /// from media before any parsing.
    public static func format(of data: Data) -> Format? {
        let head = String(decoding: data.prefix(512), as: UTF8.self).replacingOccurrences(of: "\u{FEFF}", with: "")
        let lines = head.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if let first = lines.first, first == "WEBVTT" || first.hasPrefix("WEBVTT ") || first.hasPrefix("WEBVTT\t") { return .webvtt }
        // SubRip: an optional cue number, then a timing line.
        let meaningful = lines.drop { $0.isEmpty }.prefix(2)
        if meaningful.contains(where: { timing(of: $0) != nil }) { return .srt }
        return nil
    }

    /// The format of the file at `path` when it starts like a caption file.
    public static func format(ofFile path: String) -> Format? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 512)).flatMap { format(of: $0) }
    }

    /// A caption file described as media (what an asset store keeps of it): its format,
    /// the end of its last cue as its duration, and no streams.
    public static func probe(_ path: String) throws(MediaError) -> MediaInfo {
        let data = try contents(path)
        let cues = try parse(data, path: path)
        return MediaInfo(
            path: path, format: (format(of: data) ?? .srt).rawValue, duration: cues.map(\.end).max(), sizeBytes: Int64(data.count),
            bitRate: nil, video: nil, audio: nil)
    }

    /// Whether `info` describes a caption file (see `probe`).
    public static func isCaptions(_ info: MediaInfo) -> Bool {
        info.video == nil && info.audio == nil && Format(rawValue: info.format) != nil
    }

    /// The cues of the file at `path`.
    public static func read(_ path: String) throws(MediaError) -> [CaptionCue] {
        try parse(try contents(path), path: path)
    }

    /// The bytes of the caption file at `path`, refused past `maxBytes` before it is read.
    private static func contents(_ path: String) throws(MediaError) -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else {
            throw MediaError(.fileNotFound, "the caption file \(path) does not exist", path: path)
        }
        guard size <= maxBytes else {
            throw MediaError(.invalidArgument, "the caption file is \(size) bytes, more than the limit of \(maxBytes)", path: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MediaError(.unreadable, "cannot read the caption file \(path)", path: path)
        }
        return data
    }

    /// The cues of a caption file's bytes; a clear error (with the line) for anything else.
    public static func parse(_ data: Data, path: String? = nil) throws(MediaError) -> [CaptionCue] {
        func failure(_ message: String) -> MediaError {
            MediaError(.invalidArgument, "\(path.map { "\($0): " } ?? "")\(message); give an SRT or WebVTT caption file", path: path)
        }
        guard data.count <= maxBytes else { throw failure("the caption file is \(data.count) bytes, more than the limit of \(maxBytes)") }
        guard let text = String(data: data, encoding: .utf8) else { throw failure("the caption file is not UTF-8 text") }
        guard let format = format(of: data) else {
            throw failure("this is not a caption file (it starts neither with WEBVTT nor with a SubRip cue)")
        }
        let lines = text.replacingOccurrences(of: "\u{FEFF}", with: "").replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var cues: [CaptionCue] = []
        var index = format == .webvtt ? skipBlock(lines, from: 0) : 0
        while index < lines.count {
            // One block: lines up to a blank line.
            while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index += 1 }
            guard index < lines.count else { break }
            let blockStart = index
            let first = lines[index].trimmingCharacters(in: .whitespaces)
            if format == .webvtt, first.hasPrefix("NOTE") || first == "STYLE" || first == "REGION" {
                index = skipBlock(lines, from: index)
                continue
            }
            // A cue number (SubRip) or identifier (WebVTT) before the timing line.
            if timing(of: first) == nil { index += 1 }
            guard index < lines.count, let (start, end) = timing(of: lines[index]) else {
                throw failure("line \(blockStart + 1): expected a timing line such as 00:00:01,000 --> 00:00:03,500")
            }
            guard end > start else { throw failure("line \(index + 1): the cue ends (\(end) s) before it starts (\(start) s)") }
            index += 1
            var textLines: [String] = []
            while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
                textLines.append(plain(lines[index]))
                index += 1
            }
            let cueText = textLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            guard cueText.count <= maxCueLength else {
                throw failure("line \(blockStart + 1): the cue's text is \(cueText.count) characters, more than the limit of \(maxCueLength)")
            }
            if cueText.isEmpty { continue }
            cues.append(CaptionCue(start: start, end: end, text: cueText))
            guard cues.count <= maxCues else { throw failure("more than \(maxCues) cues") }
        }
        guard !cues.isEmpty else { throw failure("the caption file has no cues") }
        return cues.sorted { $0.start < $1.start }
    }

    /// The index after the block starting at `index` (and its blank lines).
    private static func skipBlock(_ lines: [String], from index: Int) -> Int {
        var index = index
        while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index += 1 }
        return index
    }

    /// `START --> END` (cue settings after END ignored), in seconds.
    static func timing(of line: String) -> (Double, Double)? {
        let parts = line.components(separatedBy: "-->")
        guard parts.count == 2 else { return nil }
        let endField = parts[1].trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
        guard let start = seconds(parts[0].trimmingCharacters(in: .whitespaces)), let end = seconds(endField) else { return nil }
        return (start, end)
    }

    /// `HH:MM:SS,mmm`, `HH:MM:SS.mmm` or `MM:SS.mmm`.
    private static func seconds(_ text: String) -> Double? {
        let fields = text.replacingOccurrences(of: ",", with: ".").split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(fields.count), fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isNumber || $0 == "." } }) else {
            return nil
        }
        let numbers = fields.compactMap { Double($0) }
        guard numbers.count == fields.count, numbers.dropLast().allSatisfy({ $0 == $0.rounded() }) else { return nil }
        let (hours, minutes, secs) = numbers.count == 3 ? (numbers[0], numbers[1], numbers[2]) : (0, numbers[0], numbers[1])
        guard minutes < 60, secs < 60, hours <= 24 else { return nil }
        return hours * 3600 + minutes * 60 + secs
    }

    /// A text line without markup: `<…>` tags, `{\…}` override blocks, WebVTT's entities.
    private static func plain(_ line: String) -> String {
        var out = ""
        var skippingUntil: Character?
        for character in line {
            if let end = skippingUntil {
                if character == end { skippingUntil = nil }
                continue
            }
            if character == "<" {
                skippingUntil = ">"
            } else if character == "{", line.contains("{\\") {
                skippingUntil = "}"
            } else if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) {
                continue  // a tab or a stray control byte: nothing a caption draws
            } else {
                out.append(character)
            }
        }
        let entities = ["&lt;": "<", "&gt;": ">", "&nbsp;": "\u{00A0}", "&lrm;": "\u{200E}", "&rlm;": "\u{200F}", "&amp;": "&"]
        for (entity, character) in entities { out = out.replacingOccurrences(of: entity, with: character) }
        return out
    }
}
