import Foundation
import Generation
import Testing
import TestSupport

@Suite struct SupportTests {
    @Test func sha256HexOfTextBytesAndFiles() throws {
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(SHA256Hex.of("abc") == abc)
        #expect(SHA256Hex.of(Data("abc".utf8)) == abc)
        #expect(SHA256Hex.of([UInt8]("abc".utf8)) == abc)
        #expect(SHA256Hex.of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hex.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")

        // More than one 1 MiB chunk, streamed.
        let directory = try TemporaryDirectory()
        let data = Data((0..<(3 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let path = directory.file("blob.bin")
        try data.write(to: URL(fileURLWithPath: path))
        let digest = try SHA256Hex.ofFile(path)
        #expect(digest.sizeBytes == Int64(data.count))
        #expect(digest.sha256 == SHA256Hex.of(data))
        #expect(throws: (any Error).self) { try SHA256Hex.ofFile(directory.file("missing")) }
    }
}
