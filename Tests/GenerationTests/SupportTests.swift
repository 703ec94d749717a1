import Foundation
import Generation
import TestSupport
import Testing

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

    @Test func oneMediaTypeTable() {
        #expect(MediaType.contentType(forExtension: "jpeg") == "image/jpeg")
        #expect(MediaType.contentType(forExtension: "JPG") == "image/jpeg")
        #expect(MediaType.contentType(forPath: "/data/ast_1.m4v") == "video/mp4")
        #expect(MediaType.contentType(forPath: "/data/song.mp3") == "audio/mpeg")
        #expect(MediaType.contentType(forPath: "/data/file.bin") == nil)
        #expect(MediaType.fileExtension(forContentType: "video/mp4; codecs=avc1") == "mp4")
        #expect(MediaType.fileExtension(forContentType: "IMAGE/JPEG") == "jpg")
        #expect(MediaType.fileExtension(forContentType: "video/quicktime") == "mov")
        #expect(MediaType.fileExtension(forContentType: "application/json") == nil)
        #expect(MediaType.fileExtension(forContentType: nil) == nil)
        #expect(MediaType.fromURL("https://cdn.example/out/clip.MP4?sig=x.png") == "mp4")
        #expect(MediaType.fromURL("https://example/v1beta/files/abc:download?alt=media") == nil)
        // Every extension's type names an extension that maps back to the same type.
        for ext in ["mp4", "m4v", "mov", "mkv", "webm", "m4a", "mp3", "wav", "flac", "ogg", "aac", "png", "jpg", "jpeg", "webp", "gif"] {
            let type = MediaType.contentType(forExtension: ext)
            #expect(type != nil, "\(ext)")
            #expect(MediaType.fileExtension(forContentType: type).flatMap(MediaType.contentType(forExtension:)) == type)
        }
    }
}
