import Generation
import Testing

@Suite struct CurlTests {
    @Test func libcurlIsLinkedAndSpeaksHTTPS() throws {
        try Curl.initialize()
        #expect(Curl.version.split(separator: ".").count >= 2)
        #expect(Curl.protocols.contains("http"))
        #expect(Curl.protocols.contains("https"))
    }
}
