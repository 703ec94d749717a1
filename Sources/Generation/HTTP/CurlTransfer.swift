import CCurl
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One request on the curl loop thread: the easy handle configured from an
/// `HTTPRequest`, the C resources it borrows (header list, resolve list, MIME body,
/// upload file, error buffer) and the response as it arrives.
///
/// It owns every one of those resources and frees each exactly once, in `deinit`, after
/// the loop has removed the easy handle from the multi handle. libcurl's callbacks reach
/// it through an unretained pointer: the loop keeps the transfer alive while the handle
/// is in the multi handle. Never leaves the loop thread.
final class CurlTransfer {
    let job: CurlJob
    let easy: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private var mime: OpaquePointer?
    private var uploadFile: UnsafeMutablePointer<FILE>?
    private var sink: CurlDownloadSink?

    private var head = CurlResponseHead()
    private var body = Data()
    private var received: Int64 = 0
    /// Why one of our callbacks stopped the transfer (libcurl then reports a write error).
    private var abort: HTTPClientError?
    /// The non-public block of the last address the policy refused (libcurl then reports
    /// that it could not connect).
    private var refusedRange: String?
    /// New connections this transfer opened (0 when it reused one), once finished.
    private(set) var connectionsOpened = 0

    private static let errorPreviewBytes = 2048

    private var url: String { job.request.url }
    private var limit: Int64 {
        switch job.destination {
        case .memory(let limit), .file(_, let limit): limit
        }
    }

    /// A configured transfer, ready for `curl_multi_add_handle`.
    static func make(_ job: CurlJob) throws(HTTPClientError) -> CurlTransfer {
        let transfer = try CurlTransfer(job)
        // On a throw the half-configured transfer is dropped and `deinit` frees it all.
        try transfer.configure()
        return transfer
    }

    private init(_ job: CurlJob) throws(HTTPClientError) {
        guard let easy = curl_easy_init() else {
            throw HTTPClientError(.io, "libcurl could not create a transfer (out of memory?).", url: job.request.url, sent: false)
        }
        self.job = job
        self.easy = easy
        errorBuffer = .allocate(capacity: Int(mc_error_buffer_size))
        errorBuffer.initialize(repeating: 0, count: Int(mc_error_buffer_size))
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_mime_free(mime)
        curl_slist_free_all(headerList)
        curl_slist_free_all(resolveList)
        if let uploadFile { fclose(uploadFile) }
        sink?.discard()
        errorBuffer.deallocate()
    }

    // MARK: Configuration

    private func configure() throws(HTTPClientError) {
        let request = job.request
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        // Many threads, so no signals: libcurl would otherwise use SIGALRM for DNS timeouts.
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_URL, request.url)
        // http and https only, also after a redirect (no file://, no gopher://).
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, request.redirectSchemes.rawValue)
        // Provider download URLs redirect to storage; API calls turn it off (their
        // credential headers would go along to whatever host the redirect names).
        try set(CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, max(0, request.maxRedirects))
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        if let minimum = request.minimumSpeed {
            try set(CURLOPT_LOW_SPEED_LIMIT, max(1, minimum.bytesPerSecond))
            try set(CURLOPT_LOW_SPEED_TIME, max(1, Self.milliseconds(minimum.window) / 1000))
        }
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_USERAGENT, job.userAgent)
        // TLS peer and host verification stay at libcurl's default: on.
        let context = Unmanaged.passUnretained(self).toOpaque()
        if job.addressPolicy == nil {
            try set(CURLOPT_PROXY, job.proxies.proxy(for: request.url))
            try set(CURLOPT_NOPROXY, job.proxies.noProxy ?? "")
        } else {
            // "" turns proxies off, the environment's too: a proxy would connect for us,
            // to an address this check never sees.
            try set(CURLOPT_PROXY, "")
            try check(
                mc_easy_setopt_opensocket(easy) { context, _, address in
                    guard let context, let address else { return mc_socket_bad }
                    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                    return transfer.openSocket(address)
                }, CURLOPT_OPENSOCKETFUNCTION)
            try set(CURLOPT_OPENSOCKETDATA, pointer: context)
        }
        try configureResolve()

        try check(
            mc_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            }, CURLOPT_WRITEFUNCTION)
        try set(CURLOPT_WRITEDATA, pointer: context)
        try check(
            mc_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
            }, CURLOPT_HEADERFUNCTION)
        try set(CURLOPT_HEADERDATA, pointer: context)

        var contentType = try configureMethodAndBody()
        try configureHeaders(bodyContentType: &contentType)

        if case .file(let path, _) = job.destination {
            sink = try CurlDownloadSink(path: path, url: url)
        }
    }

    private func configureResolve() throws(HTTPClientError) {
        guard !job.resolve.isEmpty else { return }
        for entry in job.resolve {
            guard let list = curl_slist_append(resolveList, entry) else {
                throw HTTPClientError(.io, "libcurl could not store a resolve entry (out of memory?).", url: url, sent: false)
            }
            resolveList = list
        }
        try set(CURLOPT_RESOLVE, pointer: resolveList.map { UnsafeMutableRawPointer($0) })
    }

    /// Sets the method and body; returns the Content-Type the body needs ("" to drop
    /// libcurl's default form type), or nil when libcurl sets it (multipart).
    private func configureMethodAndBody() throws(HTTPClientError) -> String? {
        let method = job.request.method
        switch (method, job.request.body) {
        case (.head, .none):
            try set(CURLOPT_NOBODY, 1)
            return nil
        case (.head, _):
            throw HTTPClientError(.invalidRequest, "A HEAD request cannot have a body.", url: url, sent: false)
        case (.get, .none):
            try set(CURLOPT_HTTPGET, 1)
            return nil
        case (.delete, .none):
            try set(CURLOPT_CUSTOMREQUEST, method.rawValue)
            return nil
        case (_, .none):
            // An empty POST or PUT (FAL's `PUT .../cancel`) still says Content-Length: 0.
            try usePostMechanics(for: method)
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: 0)
            try set(CURLOPT_COPYPOSTFIELDS, "")
            return ""
        case (_, .bytes(let data, let contentType)):
            try usePostMechanics(for: method)
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(data.count))
            // COPYPOSTFIELDS copies `size` bytes now, so `data` need not outlive the call.
            let code = data.withUnsafeBytes { bytes in
                bytes.baseAddress.map { mc_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0)) }
                    ?? mc_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
            }
            try check(code, CURLOPT_COPYPOSTFIELDS)
            return contentType
        case (_, .file(let path, let contentType)):
            guard let file = fopen(path, "rb") else {
                throw HTTPClientError(.io, "Could not open \(path) to upload: \(String(cString: strerror(errno))).", url: url, sent: false)
            }
            uploadFile = file
            var info = stat()
            guard fstat(fileno(file), &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                throw HTTPClientError(.io, "\(path) is not a regular file; only files can be uploaded.", url: url, sent: false)
            }
            try usePostMechanics(for: method)
            // The default read function freads READDATA, and libcurl rewinds it with
            // fseek if a redirect needs the body again.
            try set(CURLOPT_READDATA, pointer: UnsafeMutableRawPointer(file))
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(info.st_size))
            return contentType
        case (_, .multipart(let parts)):
            try configureMultipart(parts)
            if method != .post { try set(CURLOPT_CUSTOMREQUEST, method.rawValue) }
            return nil
        }
    }

    /// POST's body handling; other methods keep it and only change the verb.
    private func usePostMechanics(for method: HTTPRequest.Method) throws(HTTPClientError) {
        try set(CURLOPT_POST, 1)
        if method != .post { try set(CURLOPT_CUSTOMREQUEST, method.rawValue) }
    }

    private func configureMultipart(_ parts: [MultipartPart]) throws(HTTPClientError) {
        guard let mime = curl_mime_init(easy) else {
            throw HTTPClientError(.io, "libcurl could not create a multipart body (out of memory?).", url: url, sent: false)
        }
        self.mime = mime
        for part in parts {
            guard let handle = curl_mime_addpart(mime) else {
                throw HTTPClientError(.io, "libcurl could not add a multipart part (out of memory?).", url: url, sent: false)
            }
            try check(curl_mime_name(handle, part.name), "the part name \(part.name)")
            switch part.content {
            case .bytes(let data):
                // curl_mime_data copies the bytes.
                let code = data.withUnsafeBytes { bytes in
                    bytes.baseAddress.map { curl_mime_data(handle, $0.assumingMemoryBound(to: CChar.self), bytes.count) }
                        ?? "".withCString { curl_mime_data(handle, $0, 0) }
                }
                try check(code, "the part \(part.name)'s data")
            case .file(let path):
                // Streamed from disk while sending; libcurl names the part after the file.
                let code = curl_mime_filedata(handle, path)
                guard code == CURLE_OK else {
                    throw HTTPClientError(
                        .io, "Could not read \(path) for the multipart part \(part.name); check it exists and is readable.",
                        url: url, sent: false)
                }
            }
            if let filename = part.filename { try check(curl_mime_filename(handle, filename), "the part \(part.name)'s filename") }
            if let type = part.contentType { try check(curl_mime_type(handle, type), "the part \(part.name)'s content type") }
        }
        try set(CURLOPT_MIMEPOST, pointer: UnsafeMutableRawPointer(mime))
    }

    private func configureHeaders(bodyContentType: inout String?) throws(HTTPClientError) {
        var lines: [String] = []
        var named: Set<String> = []
        for (name, value) in job.request.headers {
            guard !name.isEmpty, !(name + value).utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }),
                !name.contains(":")
            else {
                throw HTTPClientError(.invalidRequest, "The header \(name.debugDescription) is malformed.", url: url, sent: false)
            }
            named.insert(name.lowercased())
            // "Name;" is libcurl's way to send a header with an empty value.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        if let type = bodyContentType, !named.contains("content-type") {
            // "Content-Type:" (no value) removes libcurl's default form type.
            lines.append(type.isEmpty ? "Content-Type:" : "Content-Type: \(type)")
        }
        // No "Expect: 100-continue" wait before large bodies: most servers never answer it.
        if !named.contains("expect") { lines.append("Expect:") }
        for line in lines {
            guard let list = curl_slist_append(headerList, line) else {
                throw HTTPClientError(.io, "libcurl could not store a header (out of memory?).", url: url, sent: false)
            }
            headerList = list
        }
        try set(CURLOPT_HTTPHEADER, pointer: headerList.map { UnsafeMutableRawPointer($0) })
    }

    // MARK: Callbacks (loop thread, inside curl_multi_perform)

    /// Opens a socket for `address` if the policy allows it; otherwise nothing is
    /// created, so not one packet goes to the refused address.
    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        guard let policy = job.addressPolicy else { return mc_socket_bad }
        let target = address.pointee
        guard let offset = MemoryLayout<curl_sockaddr>.offset(of: \.addr),
            let ip = IPAddress(socketAddress: UnsafeRawPointer(address) + offset, length: Int(target.addrlen))
        else {
            refusedRange = "not an IPv4 or IPv6 address"
            return mc_socket_bad
        }
        if case .refused(let range) = policy.decide(ip, host: currentHost()) {
            refusedRange = range
            return mc_socket_bad
        }
        // An address of the name that is allowed: a failure from here on is not a refusal.
        refusedRange = nil
        // Like libcurl's own, plus close-on-exec.
        return socket(target.family, target.socktype | Int32(SOCK_CLOEXEC.rawValue), target.protocol)
    }

    /// The host of the URL being connected to: after a redirect, the new one's.
    private func currentHost() -> String? {
        var text: UnsafeMutablePointer<CChar>?
        guard mc_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &text) == CURLE_OK, let text else { return nil }
        return URLComponents(string: String(cString: text))?.host
    }

    private func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        let ended = head.consume(String(decoding: bytes, as: UTF8.self))
        guard ended, job.request.method != .head, !(100..<200).contains(head.status), !(300..<400).contains(head.status),
            let length = head.header("Content-Length").flatMap({ Int64($0) }), length > limit
        else { return bytes.count }
        if case .file = job.destination, !(200..<300).contains(head.status) { return bytes.count }
        // Refuse up front what the server announces as too large.
        abort = tooLarge()
        return 0
    }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        let count = Int64(bytes.count)
        switch job.destination {
        case .memory(let limit):
            guard received + count <= limit else {
                abort = tooLarge()
                return 0
            }
            body.append(contentsOf: bytes)
        case .file(_, let limit):
            guard (200..<300).contains(head.status) else {
                // An error answer: keep its start for the message, never write it to the file.
                body.append(contentsOf: bytes.prefix(max(0, Self.errorPreviewBytes - body.count)))
                if body.count >= Self.errorPreviewBytes {
                    abort = statusError()
                    return 0
                }
                return bytes.count
            }
            guard received + count <= limit else {
                abort = tooLarge()
                return 0
            }
            if let problem = sink?.write(bytes) {
                abort = HTTPClientError(.io, "Could not save the download: \(problem). Check the disk has room.", url: url, sent: true)
                return 0
            }
        }
        received += count
        return bytes.count
    }

    // MARK: Completion

    /// The outcome of a transfer libcurl finished with `code`. Any partial download is
    /// removed before this returns.
    func finish(_ code: CURLcode) -> Result<CurlJob.Outcome, any Error> {
        var connects = 0
        if mc_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK { connectionsOpened = connects }
        var status = 0
        if mc_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status == 0 { status = head.status }

        guard code == CURLE_OK else {
            sink?.discard()
            if let abort { return .failure(abort) }
            if code == CURLE_COULDNT_CONNECT, let refusedRange {
                return .failure(
                    HTTPClientError(
                        .refusedAddress, "The URL leads to an address that is not public (\(refusedRange)).",
                        url: url, sent: false))
            }
            let detail = String(cString: errorBuffer)
            return .failure(CurlFailure.error(code, detail: detail, url: url, connected: connectionEstablished(), status: status))
        }
        switch job.destination {
        case .memory:
            return .success(.response(HTTPResponse(status: status, headers: head.headers, body: body)))
        case .file(let path, _):
            guard let sink else {
                return .failure(HTTPClientError(.io, "The download file was never opened.", url: url, sent: true))
            }
            guard (200..<300).contains(status) else {
                sink.discard()
                return .failure(statusError(status))
            }
            do {
                let sha256 = try sink.commit()
                return .success(
                    .file(
                        DownloadedFile(
                            path: path, sizeBytes: sink.bytesWritten, sha256: sha256,
                            contentType: head.header("Content-Type"), status: status)))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Stops a transfer the loop has removed from the multi handle (cancellation).
    func discard() {
        sink?.discard()
    }

    /// Whether a connection was made or request bytes went out: a timeout then may have
    /// reached the server.
    private func connectionEstablished() -> Bool {
        var connectMicroseconds: curl_off_t = 0
        var requestBytes = 0
        var uploadedBytes: curl_off_t = 0
        let connected = mc_easy_getinfo_offset(easy, CURLINFO_CONNECT_TIME_T, &connectMicroseconds) == CURLE_OK && connectMicroseconds > 0
        let requested = mc_easy_getinfo_long(easy, CURLINFO_REQUEST_SIZE, &requestBytes) == CURLE_OK && requestBytes > 0
        let uploaded = mc_easy_getinfo_offset(easy, CURLINFO_SIZE_UPLOAD_T, &uploadedBytes) == CURLE_OK && uploadedBytes > 0
        return connected || requested || uploaded
    }

    private func tooLarge() -> HTTPClientError {
        HTTPClientError(.tooLarge, "The response is larger than the limit of \(limit) bytes.", url: url, sent: true)
    }

    private func statusError(_ status: Int? = nil) -> HTTPClientError {
        let status = status ?? head.status
        let text = String(decoding: body.prefix(Self.errorPreviewBytes), as: UTF8.self)
        return HTTPClientError(.status, text.isEmpty ? "HTTP \(status) with an empty body" : text, url: url, sent: true, status: status)
    }

    // MARK: Options

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(mc_easy_setopt_long(easy, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        try check(mc_easy_setopt_string(easy, option, value), option)
    }

    private func set(_ option: CURLoption, offset value: Int64) throws(HTTPClientError) {
        try check(mc_easy_setopt_offset(easy, option, curl_off_t(value)), option)
    }

    private func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(HTTPClientError) {
        try check(mc_easy_setopt_pointer(easy, option, value), option)
    }

    private func set(_ option: CURLoption, pointer value: UnsafeMutablePointer<CChar>) throws(HTTPClientError) {
        try set(option, pointer: UnsafeMutableRawPointer(value))
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPClientError) {
        try check(code, "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            let reason = String(cString: curl_easy_strerror(code))
            throw HTTPClientError(
                code == CURLE_OUT_OF_MEMORY ? .io : .invalidRequest,
                "libcurl refused \(what): \(reason).", url: url, sent: false)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = seconds.multipliedReportingOverflow(by: 1000)
        guard !total.overflow else { return Int.max }
        // 0 means "no timeout" to libcurl; the shortest real one is 1 ms.
        return max(1, Int(total.partialValue + attoseconds / 1_000_000_000_000_000))
    }
}
