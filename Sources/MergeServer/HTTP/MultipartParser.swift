import Foundation

/// An incremental `multipart/form-data` parser (RFC 7578 / RFC 2046): fed the body as
/// it arrives, it reports each part's headers, then its bytes, then its end, holding
/// back only the few bytes that could start a boundary. Memory stays small whatever
/// the size of the upload.
struct MultipartParser {
    enum Event: Equatable {
        /// A part begins; header names are lowercased.
        case headers([String: String])
        case data([UInt8])
        case partEnd
        /// The closing boundary was read.
        case end
    }

    struct Failure: Error, Equatable {
        let message: String
    }

    static let maxHeaderBytes = 16 * 1024

    private enum State { case preamble, afterDelimiter, headers, body, epilogue }

    /// CRLF + "--" + boundary: what ends a part. The body is fed after a virtual CRLF so
    /// the first boundary, which has none before it, matches the same way.
    private let delimiter: [UInt8]
    private var buffer: [UInt8] = [13, 10]
    private var state = State.preamble

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// The boundary parameter of a `multipart/form-data` Content-Type, if it has a usable one.
    static func boundary(fromContentType contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingSpaces }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value =
                pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                ? String(pair[1].dropFirst().dropLast()) : pair[1]
            // RFC 2046: 1 to 70 characters.
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    var isFinished: Bool { state == .epilogue }

    mutating func feed(_ bytes: some Sequence<UInt8>) throws(Failure) -> [Event] {
        if state == .epilogue { return [] }
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        while true {
            switch state {
            case .preamble:
                guard let match = find(delimiter) else {
                    keepTail(delimiter.count - 1)
                    return events
                }
                buffer.removeFirst(match + delimiter.count)
                state = .afterDelimiter
            case .afterDelimiter:
                // "--" closes the body; otherwise optional padding, then CRLF, then headers.
                guard buffer.count >= 2 else { return events }
                if buffer[0] == 45, buffer[1] == 45 {
                    buffer.removeAll()
                    state = .epilogue
                    events.append(.end)
                    return events
                }
                guard let lineEnd = find([13, 10]) else {
                    if buffer.count > 256 { throw Failure(message: "a multipart boundary line is malformed") }
                    return events
                }
                guard buffer[..<lineEnd].allSatisfy({ $0 == 32 || $0 == 9 }) else {
                    throw Failure(message: "a multipart boundary line is malformed")
                }
                buffer.removeFirst(lineEnd + 2)
                state = .headers
            case .headers:
                let headerEnd: Int
                let terminatorLength: Int
                if buffer.starts(with: [13, 10]) {
                    headerEnd = 0
                    terminatorLength = 2
                } else if let end = find([13, 10, 13, 10]) {
                    headerEnd = end
                    terminatorLength = 4
                } else {
                    if buffer.count > Self.maxHeaderBytes { throw Failure(message: "a multipart part's headers exceed 16 KiB") }
                    return events
                }
                events.append(.headers(Self.parseHeaders(buffer[..<headerEnd])))
                buffer.removeFirst(headerEnd + terminatorLength)
                state = .body
            case .body:
                if let match = find(delimiter) {
                    if match > 0 { events.append(.data(Array(buffer[..<match]))) }
                    events.append(.partEnd)
                    buffer.removeFirst(match + delimiter.count)
                    state = .afterDelimiter
                } else {
                    let safe = buffer.count - (delimiter.count - 1)
                    if safe > 0 {
                        events.append(.data(Array(buffer[..<safe])))
                        buffer.removeFirst(safe)
                    }
                    return events
                }
            case .epilogue:
                return events
            }
        }
    }

    /// Call when the body has ended: a body that stops inside a part is truncated.
    func finish() throws(Failure) {
        guard state == .epilogue else {
            throw Failure(
                message: state == .preamble
                    ? "the multipart body has no part with the given boundary"
                    : "the multipart body ended before its closing boundary (truncated upload?)")
        }
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count, let first = needle.first else { return nil }
        var index = 0
        let last = buffer.count - needle.count
        while index <= last {
            if buffer[index] == first {
                var offset = 1
                while offset < needle.count && buffer[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }

    private mutating func keepTail(_ count: Int) {
        if buffer.count > count { buffer.removeFirst(buffer.count - count) }
    }

    private static func parseHeaders(_ bytes: ArraySlice<UInt8>) -> [String: String] {
        var headers: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmingSpaces.lowercased()] = line[line.index(after: colon)...].trimmingSpaces
        }
        return headers
    }

    /// A `Content-Disposition` parameter (`name`, `filename`), unquoted.
    static func dispositionParameter(_ name: String, in disposition: String) -> String? {
        for parameter in disposition.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(self).trimmingCharacters(in: .whitespaces)
    }
}
