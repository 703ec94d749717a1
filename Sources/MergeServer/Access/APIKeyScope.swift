/// What a key may do. `admin` implies every other scope (and manages keys).
public enum APIKeyScope: String, Sendable, CaseIterable, Codable, Comparable {
    /// Uploads, merges and audio analysis.
    case render
    /// The generation POSTs, which can spend money at providers.
    case generate
    /// Reading jobs, assets, videos, the catalog and costs.
    case read
    /// Managing keys; sees and may do everything.
    case admin

    /// A new key's scopes when none are asked for: everything but key management.
    public static let defaults: Set<APIKeyScope> = [.render, .generate, .read]

    /// `render,generate` → the set; a name that is not a scope throws naming it.
    public static func parseList(_ text: String) throws(ScopeListError) -> Set<APIKeyScope> {
        var scopes = Set<APIKeyScope>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let scope = APIKeyScope(rawValue: name) else { throw ScopeListError(name: String(name.prefix(40))) }
            scopes.insert(scope)
        }
        return scopes
    }

    /// Stored and shown sorted and comma-separated, in declaration order.
    public static func text(_ scopes: Set<APIKeyScope>) -> String {
        scopes.sorted().map(\.rawValue).joined(separator: ",")
    }

    public static func < (lhs: APIKeyScope, rhs: APIKeyScope) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .render: 0
        case .generate: 1
        case .read: 2
        case .admin: 3
        }
    }
}

public struct ScopeListError: Error, CustomStringConvertible {
    public let name: String
    public var description: String {
        "\(name.debugDescription) is not a scope (they are \(APIKeyScope.allCases.map(\.rawValue).joined(separator: ", ")))"
    }
}

extension Set<APIKeyScope> {
    /// True when a key with these scopes may do what needs `scope`.
    public func allows(_ scope: APIKeyScope) -> Bool { contains(.admin) || contains(scope) }
}
