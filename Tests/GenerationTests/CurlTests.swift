import Generation
import Testing

@Suite struct CurlTests {
    @Test func libcurlIsLinkedAndSpeaksHTTPS() throws {
        #expect(Curl.initializationFailure == nil)
        #expect(Curl.version.split(separator: ".").count >= 2)
        #expect(Curl.protocols.contains("http"))
        #expect(Curl.protocols.contains("https"))
    }
}
