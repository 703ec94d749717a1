// The baseline of bench/api.sh: a bare Hummingbird server answering a small JSON body,
// so the API's throughput is reported as a ratio to what the framework alone does.
import Foundation
import Hummingbird

let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8081
let router = Router()
router.get("/hello") { _, _ -> Response in
    Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(string: #"{"hello":"world"}"#)))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
