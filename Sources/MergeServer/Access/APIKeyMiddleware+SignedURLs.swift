import Hummingbird

/// Signed URLs at the edge: a GET or HEAD without an Authorization header but with
/// `exp`, `kid` or `sig` in its query is judged by its signature instead of a key. A URL
/// that checks out acts as the key it was signed for (that key's scopes and records);
/// anything else is a 403 saying why, and the key never needs to reach the browser.
extension APIKeyMiddleware {
    static func isSigned(_ request: Request) -> Bool {
        let query = request.uri.queryParameters
        return MediaURLSigner.parameterNames.contains { query.has(Substring($0)) }
    }

    func signedContext(_ request: Request, _ context: Context, needed: Set<APIKeyScope>, signer: MediaURLSigner) throws -> Context {
        guard request.method == .get || request.method == .head else {
            throw Self.signatureRefused(.init(type: "bad_signature", detail: "a signed URL opens GET and HEAD requests only"))
        }
        let query = request.uri.queryParameters
        var values: [String: String] = [:]
        for name in MediaURLSigner.parameterNames {
            let given = query[values: Substring(name)]
            guard given.count <= 1 else {
                throw Self.signatureRefused(.init(type: "bad_signature", detail: "the signed URL has \(name) more than once"))
            }
            values[name] = given.first.map(String.init)
        }
        let keyID: String
        do {
            keyID = try signer.verify(path: request.uri.path, expiry: values["exp"], keyID: values["kid"], signature: values["sig"])
        } catch let refusal as MediaURLSigner.Refusal {
            throw Self.signatureRefused(refusal)
        }
        guard let key = try keys.find(id: keyID) else {
            throw Self.signatureRefused(.init(type: "bad_signature", detail: "the key the URL was signed for does not exist"))
        }
        guard !key.isRevoked else {
            throw Self.signatureRefused(
                .init(type: "signature_key_revoked", detail: "the key the URL was signed for (\(key.prefix)…) was revoked"))
        }
        try Self.check(key, has: needed)
        var context = context
        context.apiKey = key
        context.links = SignedLinks(signer: signer, keyID: key.id)
        return context
    }

    static func signatureRefused(_ refusal: MediaURLSigner.Refusal) -> Problem {
        Problem(
            .forbidden, type: refusal.type, detail: refusal.detail,
            suggestion: "fetch the job or asset again with the API key for a fresh signed URL, or send Authorization: Bearer msk_…")
    }
}
