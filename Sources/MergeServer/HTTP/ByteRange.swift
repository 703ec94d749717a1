/// A `Range` request header (RFC 9110 §14), for one representation of `size` bytes.
enum ByteRangeRequest: Equatable {
    /// No Range, or one this server ignores (an unknown unit): send the whole file.
    case whole
    /// One satisfiable range, inclusive bounds.
    case partial(ClosedRange<Int64>)
    /// A range that cannot be served: none of the file is in it, it is malformed, or it
    /// asks for several ranges (not served). The reason goes into the 416 answer.
    case unsatisfiable(String)

    init(header: String?, size: Int64) {
        guard let header else {
            self = .whole
            return
        }
        let trimmed = header.trimmingSpaces
        guard trimmed.lowercased().hasPrefix("bytes=") else {
            // RFC 9110 §14.2: a range unit the server does not understand is ignored.
            self =
                trimmed.contains("=")
                ? .whole : .unsatisfiable("the Range header \(Self.shown(header)) is malformed; use bytes=START-END, bytes=START- or bytes=-LENGTH")
            return
        }
        let specs = trimmed.dropFirst("bytes=".count).split(separator: ",", omittingEmptySubsequences: false)
        guard specs.count == 1 else {
            self = .unsatisfiable("only one range per request is served (got \(specs.count)); ask for the ranges one at a time")
            return
        }
        let spec = specs[0].trimmingSpaces
        guard let dash = spec.firstIndex(of: "-") else {
            self = .unsatisfiable("the range \(Self.shown(spec)) is malformed; use START-END, START- or -LENGTH")
            return
        }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        func number(_ text: Substring) -> Int64? {
            guard !text.isEmpty, text.count <= 18, text.allSatisfy(\.isASCIIDigit) else { return nil }
            return Int64(text)
        }
        if first.isEmpty {
            // Suffix range: the last N bytes.
            guard let length = number(last) else {
                self = .unsatisfiable("the range \(Self.shown(spec)) is malformed; use START-END, START- or -LENGTH")
                return
            }
            guard length > 0, size > 0 else {
                self = .unsatisfiable("the suffix range \(Self.shown(spec)) selects no bytes of a \(size)-byte file")
                return
            }
            self = .partial(max(0, size - length)...(size - 1))
            return
        }
        guard let start = number(first), last.isEmpty || number(last) != nil else {
            self = .unsatisfiable("the range \(Self.shown(spec)) is malformed; use START-END, START- or -LENGTH")
            return
        }
        let end = number(last)
        if let end, end < start {
            self = .unsatisfiable("the range \(Self.shown(spec)) ends before it starts")
            return
        }
        guard start < size else {
            self = .unsatisfiable("the range starts at byte \(start) but the file has \(size) bytes")
            return
        }
        self = .partial(start...min(end ?? (size - 1), size - 1))
    }

    private static func shown(_ text: some StringProtocol) -> String {
        let value = String(text)
        return (value.count > 60 ? String(value.prefix(60)) + "…" : value).debugDescription
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
