import Foundation
import Generation
import Media

/// `callback_url`, a field of every job POST: where the job resource is POSTed, signed,
/// when the job ends. It belongs to the job, not to its work, so it is taken out of the
/// body before the work's strict decoding sees it (`JobSubmitter.body`) and kept in the
/// job's own column.
///
/// At submission it must be an absolute http or https URL of at most 2048 bytes, without
/// userinfo or whitespace, and a literal address in it must be one caller URLs may reach
/// (public, or allowed by `MERGE_SERVER_FETCH_ALLOW`). That is the early, friendly check;
/// the guard is at connect time, where the deliverer's client judges every address a
/// name resolves to (`AddressPolicy`), so a name that resolves to an internal address
/// gets nothing.
enum CallbackURL {
    static let field = "callback_url"
    static let maxBytes = 2048

    /// The problem with `url`, or nil when it may be a callback.
    static func problem(_ url: String, policy: AddressPolicy) -> FieldProblem? {
        func refused(_ message: String) -> FieldProblem { FieldProblem(field, message) }
        guard url.utf8.count <= maxBytes else { return refused("must be at most \(maxBytes) bytes") }
        guard !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }),
            let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return refused("must be an absolute http or https URL") }
        guard scheme == "http" || scheme == "https" else { return refused("must be an http or https URL (not \(scheme))") }
        guard components.user == nil, components.password == nil else {
            return refused("must not carry a user or password; authenticate deliveries by their webhook-signature")
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let lowered = bare.lowercased()
        let literal = IPAddress(bare) ?? (lowered == "localhost" || lowered.hasSuffix(".localhost") ? IPAddress("127.0.0.1") : nil)
        if let literal, case .refused(let range) = policy.decide(literal, host: bare) {
            return refused(
                "\(host) is not a public address (\(range)); deliveries go to public addresses only, unless the operator allows it in MERGE_SERVER_FETCH_ALLOW"
            )
        }
        return nil
    }
}

/// A job POST's JSON body, `callback_url` taken out.
struct JobRequestBody: Sendable {
    /// The body as sent, less `callback_url`: what the work's decoding checks and the job stores.
    var work: Data
    var callbackURL: String?

    /// Splits `body`. A `callback_url` that is not a string (or null) is a 422; a body that
    /// is not a JSON object is left whole, for the work's decoding to refuse.
    init(_ body: Data) throws {
        guard let split = TopLevelMember.remove(CallbackURL.field, from: body) else {
            self.init(work: body, callbackURL: nil)
            return
        }
        let value = try? JSONSerialization.jsonObject(with: split.value, options: .fragmentsAllowed)
        switch value {
        case let url as String: self.init(work: split.body, callbackURL: url)
        case is NSNull: self.init(work: split.body, callbackURL: nil)
        default: throw ValidationFailure([FieldProblem(CallbackURL.field, "must be a string: an http or https URL")])
        }
    }

    init(work: Data, callbackURL: String?) {
        self.work = work
        self.callbackURL = callbackURL
    }
}

/// Takes one member out of a JSON object's text without re-encoding the rest: numbers,
/// escapes and the order of the other members stay as the client sent them (the work's
/// checks see exactly its bytes, and the stored request is them).
enum TopLevelMember {
    /// The object without its members named `name` (escaped spellings too) and the text of
    /// the last one's value; nil when `body` is not one JSON object or has no such member.
    static func remove(_ name: String, from body: Data) -> (body: Data, value: Data)? {
        let bytes = [UInt8](body)
        var scanner = Scanner(bytes: bytes)
        guard let members = scanner.members() else { return nil }
        let named = members.filter { $0.key == name }
        guard let last = named.last else { return nil }
        var kept = Data("{".utf8)
        for (index, member) in members.filter({ $0.key != name }).enumerated() {
            if index > 0 { kept.append(UInt8(ascii: ",")) }
            kept.append(contentsOf: bytes[member.text])
        }
        kept.append(UInt8(ascii: "}"))
        return (kept, Data(bytes[last.value]))
    }

    private struct Member {
        var key: String
        /// From the key's opening quote to the value's end.
        var text: Range<Int>
        var value: Range<Int>
    }

    /// Finds the top-level members' extents; it does not validate the JSON inside values
    /// (the work's decoder does), only enough structure to know where each value ends.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func members() -> [Member]? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var members: [Member] = []
            skipSpace()
            if take(UInt8(ascii: "}")) { return finished() ? members : nil }
            while true {
                skipSpace()
                let keyStart = index
                guard peek == UInt8(ascii: "\""), let keyEnd = stringEnd(from: index), let key = decodedKey(keyStart..<keyEnd) else { return nil }
                index = keyEnd
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                let valueStart = index
                guard let valueEnd = valueEnd(from: index), valueEnd > valueStart else { return nil }
                index = valueEnd
                members.append(Member(key: key, text: keyStart..<valueEnd, value: valueStart..<valueEnd))
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                return finished() ? members : nil
            }
        }

        private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        private mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        /// Only white space may follow the object.
        private mutating func finished() -> Bool {
            skipSpace()
            return index == bytes.count
        }

        /// The index after the string that opens at `start`.
        private func stringEnd(from start: Int) -> Int? {
            var position = start + 1
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\\"): position += 2
                case UInt8(ascii: "\""): return position + 1
                default: position += 1
                }
            }
            return nil
        }

        /// The index after the value that starts at `start`: a string, an object or array
        /// (brackets counted outside strings), or a bare number or literal.
        private func valueEnd(from start: Int) -> Int? {
            guard start < bytes.count else { return nil }
            switch bytes[start] {
            case UInt8(ascii: "\""):
                return stringEnd(from: start)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                var position = start
                while position < bytes.count {
                    switch bytes[position] {
                    case UInt8(ascii: "\""):
                        guard let end = stringEnd(from: position) else { return nil }
                        position = end
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { return position + 1 }
                    default:
                        break
                    }
                    position += 1
                }
                return nil
            default:
                var position = start
                while position < bytes.count,
                    ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[position])
                {
                    position += 1
                }
                return position
            }
        }

        /// A key as JSON means it: escapes decoded.
        private func decodedKey(_ range: Range<Int>) -> String? {
            let raw = bytes[range]
            guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw.dropFirst().dropLast(), as: UTF8.self) }
            return (try? JSONSerialization.jsonObject(with: Data(raw), options: .fragmentsAllowed)) as? String
        }
    }
}
