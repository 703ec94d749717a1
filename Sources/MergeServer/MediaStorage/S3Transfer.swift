import CCurl
import Foundation
import Generation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One S3 request on its own libcurl easy handle, signed by libcurl
/// (`CURLOPT_AWS_SIGV4`, "aws:amz:REGION:s3"). `perform` runs it on a thread of its own,
/// so no thread of Swift's cooperative pool ever blocks on the network; a cancelled task
/// stops it at the next chunk of data (and a stalled one by the speed floor).
///
/// Request bodies stream from a file descriptor (a byte range of it, for multipart
/// parts); response bodies go to memory (small XML answers) or stream to an
/// `S3FileSink`. Every request says `x-amz-content-sha256: UNSIGNED-PAYLOAD` itself:
/// libcurl 7.88 would sign a hash of the body without sending it.
struct S3Transfer: Sendable {
    enum Body: Sendable {
        case none
        case bytes([UInt8], contentType: String)
        /// `length` bytes of the open file `descriptor` from `offset` (borrowed, not closed).
        case file(descriptor: Int32, offset: Int64, length: Int64)
    }

    enum Destination: Sendable {
        /// At most `memoryLimit` bytes kept.
        case memory
        /// A 2xx body streams to this path through `S3FileSink`.
        case file(path: String)
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    var method: String
    /// Already in SigV4's canonical form: encoded path, sorted and encoded query.
    var url: String
    var body: Body = .none
    var destination: Destination = .memory

    /// Memory answers (XML documents) beyond this are cut: S3's are a few KB.
    static let memoryLimit = 1 << 20
    /// Below this many bytes a second for this long, a transfer counts as stalled.
    static let minimumSpeed = (bytesPerSecond: 1024, seconds: 60)

    /// Runs the request; throws `S3Error` for a failure of the transfer itself (an HTTP
    /// error status is a `Response`) and `CancellationError` when the task was cancelled.
    func perform(_ configuration: S3Configuration) async throws -> Response {
        if let failure = Curl.initializationFailure {
            throw S3Error.transfer(detail: "libcurl could not be initialized: \(failure)")
        }
        let cancelled = CancellationFlag()
        let result: Result<Response, S3Error> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let transfer = self
                Thread.detachNewThread {
                    continuation.resume(returning: Result { () throws(S3Error) in try transfer.run(configuration, cancelled) })
                }
            }
        } onCancel: {
            cancelled.set()
        }
        if case .failure = result, cancelled.isSet { throw CancellationError() }
        return try result.get()
    }

    // MARK: The transfer (its own thread)

    private func run(_ configuration: S3Configuration, _ cancelled: CancellationFlag) throws(S3Error) -> Response {
        guard let easy = curl_easy_init() else { throw .transfer(detail: "libcurl could not create a transfer (out of memory?)") }
        let context = S3TransferContext(body: body, cancelled: cancelled)
        var headerList: UnsafeMutablePointer<curl_slist>?
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(mc_error_buffer_size))
        errorBuffer.initialize(repeating: 0, count: Int(mc_error_buffer_size))
        defer {
            curl_easy_cleanup(easy)
            curl_slist_free_all(headerList)
            errorBuffer.deallocate()
            context.sink?.discard()
        }
        if case .file(let path) = destination { context.sink = try S3FileSink(path: path) }

        let options = S3EasyOptions(easy: easy, url: url)
        try options.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try options.set(CURLOPT_NOSIGNAL, 1)
        try options.set(CURLOPT_URL, url)
        try options.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try options.set(CURLOPT_FOLLOWLOCATION, 0)
        try options.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        try options.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.requestTimeout))
        try options.set(CURLOPT_LOW_SPEED_LIMIT, Self.minimumSpeed.bytesPerSecond)
        try options.set(CURLOPT_LOW_SPEED_TIME, Self.minimumSpeed.seconds)
        try options.set(CURLOPT_TCP_KEEPALIVE, 1)
        try options.set(CURLOPT_USERAGENT, "merge-server")
        // S3 endpoints are configured by the operator: no proxy from the environment decides for them.
        try options.set(CURLOPT_PROXY, "")
        try options.set(CURLOPT_AWS_SIGV4, "aws:amz:\(configuration.region):s3")
        try options.set(CURLOPT_USERNAME, configuration.credentials.accessKeyID)
        try options.set(CURLOPT_PASSWORD, configuration.credentials.secretAccessKey)

        let opaque = Unmanaged.passUnretained(context).toOpaque()
        try options.check(
            mc_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, opaque in
                guard let opaque else { return 0 }
                let context = Unmanaged<S3TransferContext>.fromOpaque(opaque).takeUnretainedValue()
                return context.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            }, "the write function")
        try options.set(CURLOPT_WRITEDATA, pointer: opaque)
        try options.check(
            mc_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, opaque in
                guard let opaque else { return 0 }
                let context = Unmanaged<S3TransferContext>.fromOpaque(opaque).takeUnretainedValue()
                return context.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
            }, "the header function")
        try options.set(CURLOPT_HEADERDATA, pointer: opaque)

        var headers = [("x-amz-content-sha256", "UNSIGNED-PAYLOAD")]
        if let token = configuration.credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        switch (method, body) {
        case ("GET", _):
            try options.set(CURLOPT_HTTPGET, 1)
        case ("HEAD", _):
            try options.set(CURLOPT_NOBODY, 1)
        case ("PUT", .file(_, _, let length)):
            try options.set(CURLOPT_UPLOAD, 1)
            try options.set(CURLOPT_INFILESIZE_LARGE, offset: length)
            try options.check(
                mc_easy_setopt_data_callback(easy, CURLOPT_READFUNCTION) { data, size, count, opaque in
                    guard let opaque, let data else { return Int(CURL_READFUNC_ABORT) }
                    let context = Unmanaged<S3TransferContext>.fromOpaque(opaque).takeUnretainedValue()
                    return context.sendBody(UnsafeMutableRawBufferPointer(start: data, count: size * count))
                }, "the read function")
            try options.set(CURLOPT_READDATA, pointer: opaque)
        case ("POST", .bytes(let bytes, let contentType)):
            headers.append(("Content-Type", contentType))
            try options.set(CURLOPT_POST, 1)
            try options.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(bytes.count))
            // COPYPOSTFIELDS copies the bytes now.
            let code = bytes.withUnsafeBytes { raw in
                mc_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
            }
            try options.check(code, "the request body")
        case ("POST", .none):
            try options.set(CURLOPT_POST, 1)
            try options.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: 0)
            try options.set(CURLOPT_COPYPOSTFIELDS, "")
        case ("DELETE", .none):
            try options.set(CURLOPT_CUSTOMREQUEST, "DELETE")
        default:
            throw .transfer(detail: "unsupported request \(method) with this body")
        }
        // No "Expect:" to turn off 100-continue: libcurl 7.88 would sign that removed header
        // as if it were sent (SignatureDoesNotMatch). S3 answers 100 Continue, and refuses
        // bad credentials before a large body is sent.
        for line in headers.map({ "\($0.0): \($0.1)" }) {
            guard let list = curl_slist_append(headerList, line) else { throw .transfer(detail: "out of memory for a header") }
            headerList = list
        }
        try options.set(CURLOPT_HTTPHEADER, pointer: headerList.map { UnsafeMutableRawPointer($0) })

        let code = curl_easy_perform(easy)
        var status = 0
        _ = mc_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        guard code == CURLE_OK else {
            if let failure = context.sink?.failure ?? context.readFailure { throw failure }
            if cancelled.isSet { throw .transfer(detail: "cancelled") }
            throw Self.failure(code, detail: String(cString: errorBuffer), url: url)
        }
        if let sink = context.sink, (200..<300).contains(status) { try sink.commit() }
        return Response(status: status, headers: context.headers, body: context.memory)
    }

    private static func failure(_ code: CURLcode, detail: String, url: String) -> S3Error {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let endpoint = URLComponents(string: url).map { "\($0.scheme ?? "http")://\($0.host ?? "?")\($0.port.map { ":\($0)" } ?? "")" } ?? url
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(detail: text)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION,
            CURLE_SSL_CACERT_BADFILE:
            return .unreachable(endpoint: endpoint, detail: text)
        default:
            return .transfer(detail: "\(text) (libcurl error \(code.rawValue))")
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = seconds.multipliedReportingOverflow(by: 1000)
        guard !total.overflow else { return Int.max }
        return max(1, Int(total.partialValue + attoseconds / 1_000_000_000_000_000))
    }
}

/// Set when the task that awaits a transfer is cancelled; read by its callbacks.
final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
