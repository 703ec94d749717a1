import Foundation
import Testing

@testable import Generation

#if canImport(Glibc)
    import Glibc
#endif

/// `AddressPolicy`, `IPAddress` and `IPNetwork` as pure functions: every non-public
/// block at its edges, the IPv6 forms that carry an IPv4 address, and the allow-list.
@Suite struct AddressPolicyTests {
    private func range(_ text: String) throws -> String? {
        AddressPolicy.nonPublicRange(of: try #require(IPAddress(text), "\(text) parses"))
    }

    private func decide(_ text: String, host: String? = nil, allowing entries: [String] = []) throws -> AddressPolicy.Decision {
        try AddressPolicy(allowing: entries).decide(try #require(IPAddress(text)), host: host)
    }

    /// First and last address of each IPv4 block, and the neighbours just outside it.
    @Test(arguments: [
        ("0.0.0.0", "this-network"), ("0.255.255.255", "this-network"),
        ("10.0.0.0", "private"), ("10.0.0.1", "private"), ("10.255.255.255", "private"),
        ("100.64.0.0", "shared"), ("100.127.255.255", "shared"),
        ("127.0.0.0", "loopback"), ("127.0.0.1", "loopback"), ("127.255.255.255", "loopback"),
        ("169.254.0.0", "link-local"), ("169.254.169.254", "link-local"), ("169.254.255.255", "link-local"),
        ("172.16.0.0", "private"), ("172.31.255.255", "private"),
        ("192.0.0.0", "IETF"), ("192.0.0.255", "IETF"),
        ("192.0.2.1", "documentation"), ("198.51.100.1", "documentation"), ("203.0.113.255", "documentation"),
        ("192.88.99.1", "6to4 relay"),
        ("192.168.0.0", "private"), ("192.168.255.255", "private"),
        ("198.18.0.0", "benchmarking"), ("198.19.255.255", "benchmarking"),
        ("224.0.0.0", "multicast"), ("239.255.255.255", "multicast"),
        ("240.0.0.0", "reserved"), ("255.255.255.255", "reserved"),
    ])
    func ipv4BlocksAreNotPublic(address: String, name: String) throws {
        let found = try range(address)
        #expect(found?.hasPrefix(name) == true, "\(address): \(found ?? "public")")
        #expect(try decide(address) != .allowed)
    }

    @Test(arguments: [
        "1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0",
        "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "191.255.255.255", "192.0.1.0", "192.167.255.255",
        "192.169.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255",
    ])
    func publicIPv4IsAllowed(address: String) throws {
        #expect(try range(address) == nil)
        #expect(try decide(address) == .allowed)
    }

    @Test(arguments: [
        ("::", "unspecified"), ("::1", "loopback"),
        ("fe80::", "link-local"), ("fe80::1", "link-local"), ("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link-local"),
        ("fec0::1", "site-local"),
        ("fc00::", "unique local"), ("fd00::1", "unique local"), ("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "unique local"),
        ("ff00::", "multicast"), ("ff02::1", "multicast"), ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "multicast"),
        ("2001:db8::1", "documentation"), ("100::1", "discard-only"),
    ])
    func ipv6BlocksAreNotPublic(address: String, name: String) throws {
        let found = try range(address)
        #expect(found?.hasPrefix(name) == true, "\(address): \(found ?? "public")")
    }

    /// Outside 2000::/3 nothing is allocated for global unicast.
    @Test(arguments: ["fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::1", "::2:0:0", "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "4000::"])
    func unallocatedIPv6IsNotPublic(address: String) throws {
        #expect(try range(address)?.hasPrefix("reserved") == true, "\(address)")
        #expect(try decide(address) != .allowed)
    }

    @Test(arguments: ["2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450::1", "2000::", "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"])
    func publicIPv6IsAllowed(address: String) throws {
        #expect(try range(address) == nil, "\(address)")
        #expect(try decide(address) == .allowed)
    }

    /// IPv6 spellings of an IPv4 host are judged as that host.
    @Test(arguments: [
        ("::ffff:127.0.0.1", "loopback"), ("::ffff:7f00:1", "loopback"), ("::ffff:169.254.169.254", "link-local"),
        ("::ffff:10.0.0.1", "private"), ("::ffff:0.0.0.0", "this-network"), ("::ffff:0:127.0.0.1", "loopback"),
        ("::127.0.0.1", "loopback"), ("::10.1.2.3", "private"), ("::0.0.0.2", "this-network"),
        ("64:ff9b::127.0.0.1", "loopback"), ("64:ff9b::a9fe:a9fe", "link-local"), ("64:ff9b:1::192.168.1.1", "private"),
        ("2002:7f00:1::", "loopback"), ("2002:c0a8:0101::1", "private"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),  // Teredo, client 127.0.0.1 inverted
    ])
    func ipv4InsideIPv6IsJudgedAsIPv4(address: String, name: String) throws {
        let found = try range(address)
        #expect(found?.hasPrefix(name) == true, "\(address): \(found ?? "public")")
        #expect(try decide(address) != .allowed)
    }

    @Test func publicIPv4InsideIPv6IsPublic() throws {
        #expect(try range("::ffff:8.8.8.8") == nil)
        #expect(try range("64:ff9b::8.8.8.8") == nil)
        #expect(try range("2002:0808:0808::1") == nil)
        #expect(IPAddress("::ffff:8.8.8.8")?.embeddedIPv4 == IPAddress("8.8.8.8"))
        #expect(try #require(IPAddress("::1")).embeddedIPv4 == nil)
        #expect(try #require(IPAddress("::")).embeddedIPv4 == nil)
    }

    @Test func addressesParseFromTextAndPrintCanonically() {
        #expect(IPAddress("127.0.0.1")?.bytes == [127, 0, 0, 1])
        #expect(IPAddress("[::1]")?.description == "::1")
        #expect(IPAddress("::FFFF:127.0.0.1")?.description == "::ffff:127.0.0.1")
        for bad in ["", "localhost", "1.2.3", "256.0.0.1", "1.2.3.4.5", "::1%lo", "[::1", "1.2.3.4/8", " 1.2.3.4", "::g"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func addressesReadFromSocketAddresses() {
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_port = in_port_t(8080).bigEndian
        #expect(inet_pton(AF_INET, "169.254.169.254", &v4.sin_addr) == 1)
        let fromV4 = withUnsafeBytes(of: v4) { IPAddress(socketAddress: $0.baseAddress!, length: $0.count) }
        #expect(fromV4 == IPAddress("169.254.169.254"))

        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        #expect(inet_pton(AF_INET6, "::ffff:10.0.0.1", &v6.sin6_addr) == 1)
        let fromV6 = withUnsafeBytes(of: v6) { IPAddress(socketAddress: $0.baseAddress!, length: $0.count) }
        #expect(fromV6 == IPAddress("::ffff:10.0.0.1"))
        // Too short for its family, or another family: no address (the caller refuses).
        #expect(withUnsafeBytes(of: v6) { IPAddress(socketAddress: $0.baseAddress!, length: MemoryLayout<sockaddr_in>.size) } == nil)
        var unix = sockaddr_un()
        unix.sun_family = sa_family_t(AF_UNIX)
        #expect(withUnsafeBytes(of: unix) { IPAddress(socketAddress: $0.baseAddress!, length: $0.count) } == nil)
    }

    @Test func networksParseAndContainTheirEdges() throws {
        let network = try #require(IPNetwork("172.16.0.0/12"))
        #expect(network.contains(try #require(IPAddress("172.16.0.0"))))
        #expect(network.contains(try #require(IPAddress("172.31.255.255"))))
        #expect(!network.contains(try #require(IPAddress("172.32.0.0"))))
        #expect(!network.contains(try #require(IPAddress("172.15.255.255"))))
        #expect(!network.contains(try #require(IPAddress("::ffff:172.16.0.1"))), "families never mix")
        #expect(IPNetwork("0.0.0.0/0")?.contains(try #require(IPAddress("8.8.8.8"))) == true)
        #expect(IPNetwork("fd00::/8")?.contains(try #require(IPAddress("fdab::1"))) == true)
        #expect(IPNetwork("fd00::/8")?.contains(try #require(IPAddress("fc00::1"))) == false)
        #expect(IPNetwork("10.1.2.3")?.prefix == 32)
        #expect(IPNetwork("::1")?.prefix == 128)
        #expect(IPNetwork("10.0.0.0/8")?.description == "10.0.0.0/8")
        for bad in ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/+8", "host/8", "/8", "10.0.0.0/٨"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test func theAllowListLetsCIDRsAddressesAndHostsThrough() throws {
        let entries = ["127.0.0.1", "10.20.0.0/16", "fd12::/16", "Files.Internal.", "[::1]"]
        let policy = try AddressPolicy(allowing: entries)
        func decision(_ address: String, _ host: String? = nil) throws -> AddressPolicy.Decision {
            policy.decide(try #require(IPAddress(address)), host: host)
        }
        #expect(try decision("127.0.0.1") == .allowed)
        #expect(try decision("127.0.0.2") == .refused(range: "loopback 127.0.0.0/8"))
        #expect(try decision("::ffff:127.0.0.1") == .allowed, "the mapped form of an allowed address")
        #expect(try decision("10.20.255.255") == .allowed)
        #expect(try decision("10.21.0.0") != .allowed)
        #expect(try decision("fd12:3456::1") == .allowed)
        #expect(try decision("fd13::1") != .allowed)
        #expect(try decision("::1") == .allowed)
        // A host name lets its own connections through, whatever they resolve to; no other name's.
        #expect(try decision("192.168.1.9", "files.internal") == .allowed)
        #expect(try decision("192.168.1.9", "FILES.internal.") == .allowed)
        #expect(try decision("192.168.1.9", "evil.files.internal") != .allowed)
        #expect(try decision("192.168.1.9", "other") != .allowed)
        #expect(try decision("192.168.1.9") != .allowed)
        // Public addresses need no entry.
        #expect(try decision("93.184.216.34", "example.com") == .allowed)
    }

    @Test func anEmptyPolicyRefusesEveryNonPublicAddressByName() throws {
        #expect(try decide("169.254.169.254") == .refused(range: "link-local 169.254.0.0/16"))
        #expect(try decide("::1") == .refused(range: "loopback ::1/128"))
        #expect(try decide("::ffff:10.0.0.1") == .refused(range: "private 10.0.0.0/8 (inside ::ffff:10.0.0.1)"))
        #expect(try decide("127.0.0.1", host: "localhost") != .allowed)
    }

    @Test func malformedAllowEntriesAreRefusedByName() {
        for bad in ["10.0.0.0/33", "http://files.internal", "files internal", "files..internal", "a/b", "*.example.com", "-"] {
            let error = #expect(throws: AddressPolicyError.self) { try AddressPolicy(allowing: [bad]) }
            #expect(error?.entry == bad)
            #expect(error?.description.contains(bad) == true)
        }
        #expect((try? AddressPolicy(allowing: [" 127.0.0.1 ", "", "localhost"]))?.allowedHosts == ["localhost"])
    }
}
