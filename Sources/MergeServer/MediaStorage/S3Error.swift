/// Why an S3 request failed, in words that say what to do. S3's own error code and
/// message (from its XML answer) are kept where there was one.
public enum S3Error: Error, Sendable, CustomStringConvertible, Equatable {
    /// No object under the key (404, `NoSuchKey`).
    case notFound(key: String)
    /// The credentials were refused (`AccessDenied`, `SignatureDoesNotMatch`,
    /// `InvalidAccessKeyId`, 403, ...).
    case accessDenied(code: String, message: String)
    /// Any other error answer.
    case service(status: Int, code: String, message: String)
    /// The request took longer than allowed.
    case timedOut(detail: String)
    /// No connection could be made (DNS, refused, TLS).
    case unreachable(endpoint: String, detail: String)
    /// The connection broke mid-request, or the answer made no sense.
    case transfer(detail: String)
    /// A local file could not be read or written; `noSpace` when the disk is full.
    case localFile(path: String, detail: String, noSpace: Bool)

    public var description: String {
        switch self {
        case .notFound(let key):
            "S3 has no object \(key.debugDescription) (NoSuchKey)."
        case .accessDenied(let code, let message):
            "S3 refused the credentials (\(code): \(message)): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY "
                + "(and AWS_SESSION_TOKEN, AWS_REGION) and that the key may use the bucket."
        case .service(let status, let code, let message):
            "S3 answered HTTP \(status) \(code): \(message)"
        case .timedOut(let detail):
            "The S3 request timed out (\(detail)); the endpoint may be overloaded: retry later."
        case .unreachable(let endpoint, let detail):
            "Could not reach S3 at \(endpoint) (\(detail)): check AWS_ENDPOINT_URL / the network and that the server is up."
        case .transfer(let detail):
            "The S3 transfer failed: \(detail)"
        case .localFile(let path, let detail, let noSpace):
            noSpace
                ? "No room on the disk for \(path) (\(detail)): free some space."
                : "Could not use the local file \(path): \(detail)."
        }
    }

    /// The error an S3 answer with `status` and `body` (its XML error document, if any) stands for.
    static func answer(status: Int, body: [UInt8], key: String?) -> S3Error {
        let xml = String(decoding: body, as: UTF8.self)
        let code = S3XML.firstValue("Code", in: xml) ?? ""
        let message = S3XML.firstValue("Message", in: xml) ?? (xml.isEmpty ? "no error document" : String(xml.prefix(300)))
        switch (status, code) {
        case (404, "NoSuchKey"), (404, ""):
            return .notFound(key: key ?? "")
        case (_, "AccessDenied"), (_, "SignatureDoesNotMatch"), (_, "InvalidAccessKeyId"), (_, "InvalidToken"),
            (_, "ExpiredToken"), (_, "InvalidSecurity"), (403, ""), (401, _):
            return .accessDenied(code: code.isEmpty ? "HTTP \(status)" : code, message: message)
        case (_, "PermanentRedirect"), (_, "AuthorizationHeaderMalformed"), (_, "IllegalLocationConstraintException"):
            return .service(status: status, code: code, message: message + " Check AWS_REGION: the bucket is in another region.")
        case (_, "NoSuchBucket"):
            return .service(status: status, code: code, message: message + " Check the bucket name of --storage s3://BUCKET/PREFIX.")
        default:
            return .service(status: status, code: code.isEmpty ? "(no code)" : code, message: message)
        }
    }
}
