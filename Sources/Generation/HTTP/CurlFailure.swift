import CCurl

/// Maps a failed libcurl transfer to `HTTPClientError`, deciding `sent`: whether the
/// request may have reached the server (a create call is retried only when it cannot
/// have been accepted, since a retry may be paid twice).
enum CurlFailure {
    /// - Parameters:
    ///   - detail: libcurl's error buffer for this transfer (more precise than the code's text).
    ///   - connected: a connection was established or request bytes went out.
    ///   - status: the last HTTP status seen, if any.
    static func error(_ code: CURLcode, detail: String, url: String, connected: Bool, status: Int) -> HTTPClientError {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            return HTTPClientError(.connect, "Could not resolve the host: \(text). Check the URL and the DNS.", url: url, sent: false)
        case CURLE_COULDNT_RESOLVE_PROXY:
            return HTTPClientError(
                .connect, "Could not resolve the proxy: \(text). Check https_proxy/http_proxy/all_proxy.",
                url: url, sent: false)
        case CURLE_COULDNT_CONNECT:
            return HTTPClientError(
                .connect, "Could not connect: \(text). Check that the server (or proxy) is up and reachable.",
                url: url, sent: false)
        case CURLE_OPERATION_TIMEDOUT:
            return HTTPClientError(
                .timeout, "Timed out: \(text). The server may be slow or overloaded; retry later or raise the timeout.",
                url: url, sent: connected)
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return HTTPClientError(
                .tls, "TLS failed: \(text). Check the server's certificate and the system CA store (ca-certificates).",
                url: url, sent: false)
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM,
            CURLE_HTTP3, CURLE_WEIRD_SERVER_REPLY:
            return HTTPClientError(
                .connectionLost, "The connection broke: \(text). The request may have been processed; check before repeating it.",
                url: url, sent: true)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return HTTPClientError(
                .invalidRequest, "Invalid request: \(text). Only http and https URLs are allowed.",
                url: url, sent: connected)
        case CURLE_TOO_MANY_REDIRECTS:
            return HTTPClientError(.tooManyRedirects, "Too many redirects: \(text).", url: url, sent: true, status: status)
        case CURLE_READ_ERROR, CURLE_WRITE_ERROR, CURLE_FILE_COULDNT_READ_FILE, CURLE_ABORTED_BY_CALLBACK:
            return HTTPClientError(
                .io, "Local I/O failed: \(text). Check the file exists and the disk has room.",
                url: url, sent: connected)
        default:
            // Unknown failures are reported as possibly sent: a wrongly assumed "not
            // sent" could repeat a paid request.
            return HTTPClientError(
                .connectionLost, "The transfer failed: \(text) (libcurl error \(code.rawValue)).",
                url: url, sent: true)
        }
    }
}
