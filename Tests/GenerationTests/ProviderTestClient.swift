import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Generation

/// TEMPORARY: an `HTTPClient` over URLSession so the provider tests run before
/// `CurlHTTPClient` lands on main; replace with `CurlHTTPClient()` then, and delete this.
struct ProviderTestClient: HTTPClient {
    func send(_ request: Generation.HTTPRequest, limit: Int64) async throws -> Generation.HTTPResponse {
        let (data, response) = try await perform(request)
        guard Int64(data.count) <= limit else {
            throw HTTPClientError(.tooLarge, "response over \(limit) bytes", url: request.url, sent: true)
        }
        return Generation.HTTPResponse(status: response.statusCode, headers: Self.headers(response), body: data)
    }

    func download(_ request: Generation.HTTPRequest, to path: String, limit: Int64) async throws -> DownloadedFile {
        let (data, response) = try await perform(request)
        guard (200..<300).contains(response.statusCode) else {
            throw HTTPClientError(.status, String(decoding: data.prefix(500), as: UTF8.self), url: request.url, sent: true,
                                  status: response.statusCode)
        }
        guard Int64(data.count) <= limit else {
            throw HTTPClientError(.tooLarge, "download over \(limit) bytes", url: request.url, sent: true)
        }
        try data.write(to: URL(fileURLWithPath: path + ".partial"))
        try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return DownloadedFile(path: path, sizeBytes: Int64(data.count), sha256: hash,
                              contentType: response.value(forHTTPHeaderField: "Content-Type"), status: response.statusCode)
    }

    private static func headers(_ response: HTTPURLResponse) -> [(name: String, value: String)] {
        response.allHeaderFields.compactMap { key, value in
            guard let name = key as? String, let value = value as? String else { return nil }
            return (name, value)
        }
    }

    private func perform(_ request: Generation.HTTPRequest) async throws -> (Data, HTTPURLResponse) {
        guard let url = URL(string: request.url) else {
            throw HTTPClientError(.invalidRequest, "bad URL", url: request.url, sent: false)
        }
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData,
                                    timeoutInterval: Double(request.timeout.components.seconds) + Double(request.timeout.components.attoseconds) / 1e18)
        urlRequest.httpMethod = request.method.rawValue
        for header in request.headers { urlRequest.addValue(header.value, forHTTPHeaderField: header.name) }
        switch request.body {
        case .none: break
        case .bytes(let data, let contentType):
            urlRequest.httpBody = data
            urlRequest.setValue(contentType, forHTTPHeaderField: "Content-Type")
        case .file(let path, let contentType):
            urlRequest.httpBody = try Data(contentsOf: URL(fileURLWithPath: path))
            urlRequest.setValue(contentType, forHTTPHeaderField: "Content-Type")
        case .multipart(let parts):
            let boundary = "test-boundary-\(UUID().uuidString)"
            var body = Data()
            for part in parts {
                body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"".utf8))
                if let filename = part.filename { body.append(Data("; filename=\"\(filename)\"".utf8)) }
                body.append(Data("\r\n".utf8))
                if let type = part.contentType { body.append(Data("Content-Type: \(type)\r\n".utf8)) }
                body.append(Data("\r\n".utf8))
                switch part.content {
                case .bytes(let data): body.append(data)
                case .file(let path): body.append(try Data(contentsOf: URL(fileURLWithPath: path)))
                }
                body.append(Data("\r\n".utf8))
            }
            body.append(Data("--\(boundary)--\r\n".utf8))
            urlRequest.httpBody = body
            urlRequest.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
        }
        let box = TaskBox()
        let urlString = request.url
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>) in
                let task = URLSession.shared.dataTask(with: urlRequest) { data, response, error in
                    if let error = error as? URLError {
                        switch error.code {
                        case .cancelled: continuation.resume(throwing: CancellationError())
                        case .timedOut: continuation.resume(throwing: HTTPClientError(.timeout, "timed out", url: urlString, sent: true))
                        case .cannotConnectToHost, .cannotFindHost:
                            continuation.resume(throwing: HTTPClientError(.connect, "cannot connect", url: urlString, sent: false))
                        default: continuation.resume(throwing: HTTPClientError(.connectionLost, "\(error)", url: urlString, sent: true))
                        }
                    } else if let error {
                        continuation.resume(throwing: HTTPClientError(.connectionLost, "\(error)", url: urlString, sent: true))
                    } else if let response = response as? HTTPURLResponse {
                        continuation.resume(returning: (data ?? Data(), response))
                    } else {
                        continuation.resume(throwing: HTTPClientError(.connectionLost, "no response", url: urlString, sent: true))
                    }
                }
                box.set(task)
                task.resume()
            }
        } onCancel: {
            box.cancel()
        }
    }
}

/// Holds the URLSession task for the cancellation handler. Safety: every access is under `lock`.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    func set(_ task: URLSessionDataTask) {
        lock.lock()
        defer { lock.unlock() }
        self.task = task
        if cancelled { task.cancel() }
    }

    func cancel() {
        lock.lock()
        defer { lock.unlock() }
        cancelled = true
        task?.cancel()
    }
}
