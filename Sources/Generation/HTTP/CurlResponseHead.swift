import Foundation

/// The status and headers of the final response, from the header lines libcurl hands
/// over one by one. libcurl passes every response's header block — redirects, "100
/// Continue", a proxy's CONNECT answer — so each status line starts afresh.
struct CurlResponseHead {
    private(set) var status = 0
    private(set) var headers: [(name: String, value: String)] = []

    /// Reads one header line; returns true when it ends a header block (the empty line).
    mutating func consume(_ rawLine: String) -> Bool {
        let line = rawLine.trimmingSuffix(while: \.isNewline)
        if line.hasPrefix("HTTP/") {
            // "HTTP/1.1 200 OK", "HTTP/2 200"
            let fields = line.split(separator: " ", maxSplits: 2)
            status = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
            headers = []
            return false
        }
        if line.isEmpty { return true }
        if let first = line.first, first == " " || first == "\t", let last = headers.popLast() {
            // An obsolete folded continuation of the previous header's value.
            headers.append((last.name, last.value + " " + line.trimmingWhitespace()))
            return false
        }
        guard let colon = line.firstIndex(of: ":") else { return false }
        let name = String(line[..<colon]).trimmingWhitespace()
        let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
        headers.append((name, value))
        return false
    }

    /// The last value of a header, by case-insensitive name.
    func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

extension StringProtocol {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return String(self[startIndex..<end])
    }

    fileprivate func trimmingWhitespace() -> String {
        trimmingCharacters(in: .whitespaces)
    }
}
