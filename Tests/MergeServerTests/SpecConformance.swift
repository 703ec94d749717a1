import Foundation
import Hummingbird
import MergeServer
import NIOCore
import Testing

/// Observes every in-process test server's responses: each one the suites make is
/// checked against the OpenAPI spec (status listed, content type, JSON body by its
/// schema), and a mismatch is a test failure in the test that made the request.
enum SpecConformance {
    static let observer = ResponseObserver { request, response in try await check(request, response) }

    static func check(_ request: Request, _ response: Response) async throws -> Response {
        var response = response
        let path = request.uri.path
        if let failure = OpenAPISpec.shared.parseError {
            Issue.record("\(failure)")
            return response
        }
        // Requests the router does not know are the 404 tests' business, not the spec's.
        guard OpenAPISpec.shared.template(for: path) != nil else { return response }
        let contentType = response.headers[.contentType]
        var body = Data()
        if contentType?.contains("json") == true {
            // JSON answers are small and whole; collect, check, and hand the same bytes on.
            let collector = BodyCollector()
            var writer: any ResponseBodyWriter = collector
            try await response.body.write(writer)
            body = collector.data
            response.body = .init(byteBuffer: ByteBuffer(bytes: body))
        }
        let method = request.method.rawValue.uppercased()
        for violation in OpenAPISpec.shared.violations(
            method: method, path: path, status: Int(response.status.code),
            contentType: contentType, body: body)
        {
            Issue.record("the response does not match openapi.yaml: \(violation)")
        }
        return response
    }
}

/// A response body writer that keeps what it is given.
private final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    var data = Data()
    func write(_ buffer: ByteBuffer) async throws { data.append(contentsOf: buffer.readableBytesView) }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
