import CCurl
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What libcurl's callbacks of one `S3Transfer` read and write: the request body's
/// source, the response's status, headers and body (to memory, or to the file sink for
/// a 2xx download). Lives on the transfer's thread only.
final class S3TransferContext {
    private let body: S3Transfer.Body
    private let cancelled: CancellationFlag
    var sink: S3FileSink?
    private(set) var status = 0
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var memory: [UInt8] = []
    /// Bytes of the request body sent so far.
    private var sent: Int64 = 0
    /// Why reading the request body failed, once it has.
    private(set) var readFailure: S3Error?

    init(body: S3Transfer.Body, cancelled: CancellationFlag) {
        self.body = body
        self.cancelled = cancelled
    }

    func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            // A new status line (after a 100 Continue): the headers start over.
            let fields = line.split(separator: " ", maxSplits: 2)
            status = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
            headers = []
        } else if let colon = line.firstIndex(of: ":") {
            headers.append(
                (
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                ))
        }
        return bytes.count
    }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if cancelled.isSet { return 0 }
        if let sink, (200..<300).contains(status) {
            return sink.write(bytes) ? bytes.count : 0
        }
        // An XML answer or an error document: kept up to the limit, the rest dropped.
        memory.append(contentsOf: bytes.prefix(max(0, S3Transfer.memoryLimit - memory.count)))
        return bytes.count
    }

    /// Fills `buffer` from the request body's file range.
    func sendBody(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !cancelled.isSet, case .file(let descriptor, let offset, let length) = body, let base = buffer.baseAddress else {
            return Int(CURL_READFUNC_ABORT)
        }
        let wanted = Int(min(Int64(buffer.count), length - sent))
        guard wanted > 0 else { return 0 }
        while true {
            let count = pread(descriptor, base, wanted, off_t(offset + sent))
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let detail = count < 0 ? String(cString: strerror(errno)) : "the file ended early (it changed while uploading?)"
                readFailure = .localFile(path: "the upload source", detail: detail, noSpace: false)
                return Int(CURL_READFUNC_ABORT)
            }
            sent += Int64(count)
            return count
        }
    }
}

/// Typed `curl_easy_setopt` calls for one handle, each checked.
struct S3EasyOptions {
    let easy: UnsafeMutableRawPointer
    let url: String

    func set(_ option: CURLoption, _ value: Int) throws(S3Error) {
        try check(mc_easy_setopt_long(easy, option, value), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, _ value: String) throws(S3Error) {
        try check(mc_easy_setopt_string(easy, option, value), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, offset value: Int64) throws(S3Error) {
        try check(mc_easy_setopt_offset(easy, option, curl_off_t(value)), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(S3Error) {
        try check(mc_easy_setopt_pointer(easy, option, value), "option \(option.rawValue)")
    }

    func check(_ code: CURLcode, _ what: String) throws(S3Error) {
        guard code == CURLE_OK else {
            throw .transfer(detail: "libcurl refused \(what) for \(url): \(String(cString: curl_easy_strerror(code)))")
        }
    }
}
