/// Reads `MERGE_SERVER_*` settings for `ServerConfiguration` and `ServerLimits`: a blank
/// value counts as unset, and one that does not parse or is out of range is an error
/// naming the variable and the range.
struct EnvironmentReader {
    let environment: [String: String]

    func value(_ name: String) -> String? {
        guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    func number<T: LosslessStringConvertible & Comparable>(_ name: String, _ range: ClosedRange<T>) throws(ConfigurationError) -> T? {
        guard let text = value(name) else { return nil }
        guard let parsed = T(text), range.contains(parsed) else {
            throw ConfigurationError("\(name)=\(text) is not valid: use a number in \(range.lowerBound)…\(range.upperBound)")
        }
        return parsed
    }

    /// A comma list, its items trimmed, empty ones dropped.
    func list(_ name: String) -> [String]? {
        value(name).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}
