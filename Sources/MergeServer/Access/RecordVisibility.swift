/// Which records a request may see. A key sees what it made; an admin key, and every
/// caller of a server without keys, sees everything. What another key made answers 404,
/// never 403, so its existence is not revealed.
public enum RecordVisibility: Sendable, Equatable {
    case everything
    case ownedBy(String)

    /// True when a record made by `owner` (nil: made while the server had no keys) is visible.
    public func allows(owner: String?) -> Bool {
        switch self {
        case .everything: true
        case .ownedBy(let key): owner == key
        }
    }

    /// The owner to filter listings by (nil: no filter).
    public var ownerFilter: String? {
        switch self {
        case .everything: nil
        case .ownedBy(let key): key
        }
    }
}

extension ServerContext {
    /// What this request may see (see `RecordVisibility`).
    var visibility: RecordVisibility {
        guard let key = apiKey, !key.scopes.contains(.admin) else { return .everything }
        return .ownedBy(key.id)
    }
}
