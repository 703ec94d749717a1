import Foundation

/// Which addresses a user-supplied URL may connect to: public ones, plus what the
/// operator allows (`MERGE_SERVER_FETCH_ALLOW`: CIDRs, addresses and host names).
///
/// It judges the address libcurl is about to connect to, after DNS and after every
/// redirect, so neither a redirect nor a name that resolves (or re-resolves) to an
/// internal address gets past it.
public struct AddressPolicy: Sendable {
    public enum Decision: Equatable, Sendable {
        case allowed
        /// Not public, and not allowed: `range` names the block ("loopback 127.0.0.0/8").
        case refused(range: String)
    }

    public let allowedNetworks: [IPNetwork]
    /// Lowercased, without a trailing dot.
    public let allowedHosts: Set<String>

    /// - Parameter allowing: entries as the operator wrote them; each is a CIDR, an
    ///   address or a host name.
    /// - Throws: the first entry that is none of these, quoted.
    public init(allowing entries: [String] = []) throws(AddressPolicyError) {
        var networks: [IPNetwork] = []
        var hosts: Set<String> = []
        for entry in entries.map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            if let network = IPNetwork(entry) {
                networks.append(network)
            } else if let host = Self.hostName(entry) {
                hosts.insert(host)
            } else {
                throw AddressPolicyError(entry: entry)
            }
        }
        allowedNetworks = networks
        allowedHosts = hosts
    }

    /// The decision for connecting to `address` on behalf of a URL whose host is `host`.
    public func decide(_ address: IPAddress, host: String?) -> Decision {
        if let host, allowedHosts.contains(Self.normalized(host)) { return .allowed }
        // An embedded IPv4 address reaches that IPv4 host: it is judged (and allowed) as it.
        let judged = address.embeddedIPv4 ?? address
        if allowedNetworks.contains(where: { $0.contains(judged) || $0.contains(address) }) { return .allowed }
        if let range = Self.nonPublicRange(of: address) { return .refused(range: range) }
        return .allowed
    }

    /// The name of the non-public block `address` is in, or nil for a public address.
    public static func nonPublicRange(of address: IPAddress) -> String? {
        if let inner = address.embeddedIPv4 {
            return nonPublicRange(of: inner).map { "\($0) (inside \(address))" }
        }
        let table = address.isIPv4 ? ipv4Ranges : ipv6Ranges
        if let match = table.first(where: { $0.network.contains(address) }) {
            return "\(match.name) \(match.network)"
        }
        guard !address.isIPv4 else { return nil }
        if let inner = tunnelledIPv4(address), let range = nonPublicRange(of: inner) {
            return "\(range) (tunnelled in \(address))"
        }
        // Only 2000::/3 is allocated for global unicast; the rest is reserved.
        return globalUnicast.contains(address) ? nil : "reserved (outside \(globalUnicast))"
    }

    /// IPv4 inside 6to4 (2002:AABB:CCDD::/16) and Teredo (2001:0::/32, the client address
    /// inverted in the last 32 bits): relays deliver to it, so it is judged too.
    private static func tunnelledIPv4(_ address: IPAddress) -> IPAddress? {
        let bytes = address.bytes
        if bytes[0] == 0x20, bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }
        if bytes[0..<4] == [0x20, 0x01, 0x00, 0x00] { return IPAddress(bytes: bytes[12..<16].map { ~$0 }) }
        return nil
    }

    private static func block(_ text: String, _ name: String) -> (network: IPNetwork, name: String) {
        // The tables below are literals this file's tests check one by one.
        (IPNetwork(text) ?? IPNetwork(IPAddress(bytes: [255, 255, 255, 255]), prefix: 32), name)
    }

    /// IANA special-purpose IPv4 blocks that are not globally reachable, and multicast.
    static let ipv4Ranges = [
        block("0.0.0.0/8", "this-network"),
        block("10.0.0.0/8", "private"),
        block("100.64.0.0/10", "shared (carrier-grade NAT)"),
        block("127.0.0.0/8", "loopback"),
        block("169.254.0.0/16", "link-local"),
        block("172.16.0.0/12", "private"),
        block("192.0.0.0/24", "IETF protocol assignments"),
        block("192.0.2.0/24", "documentation"),
        block("192.88.99.0/24", "6to4 relay anycast"),
        block("192.168.0.0/16", "private"),
        block("198.18.0.0/15", "benchmarking"),
        block("198.51.100.0/24", "documentation"),
        block("203.0.113.0/24", "documentation"),
        block("224.0.0.0/4", "multicast"),
        block("240.0.0.0/4", "reserved"),  // holds 255.255.255.255, broadcast
    ]

    static let globalUnicast = block("2000::/3", "global unicast").network

    static let ipv6Ranges = [
        block("::/128", "unspecified"),
        block("::1/128", "loopback"),
        block("100::/64", "discard-only"),
        block("2001:db8::/32", "documentation"),
        block("fc00::/7", "unique local"),
        block("fe80::/10", "link-local"),
        block("fec0::/10", "site-local"),
        block("ff00::/8", "multicast"),
    ]

    /// `entry` as an allowed host name (dotted labels of letters, digits, '-' and '_',
    /// starting and ending with a letter or digit), or nil.
    private static func hostName(_ entry: String) -> String? {
        let host = normalized(entry)
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        func alphanumeric(_ byte: UInt8) -> Bool { (48...57).contains(byte) || (97...122).contains(byte) }
        guard !host.isEmpty, host.utf8.count <= 253,
            labels.allSatisfy({ label in
                let bytes = Array(label.utf8)
                guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
                return alphanumeric(first) && alphanumeric(last) && bytes.allSatisfy { alphanumeric($0) || $0 == 45 || $0 == 95 }
            })
        else { return nil }
        return host
    }

    private static func normalized(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }
}

/// An allow-list entry that is neither a CIDR, an address nor a host name.
public struct AddressPolicyError: Error, Sendable, CustomStringConvertible {
    public let entry: String
    public var description: String {
        "\(entry.debugDescription) is not a CIDR (10.0.0.0/8, fd00::/8), an address or a host name"
    }
}
