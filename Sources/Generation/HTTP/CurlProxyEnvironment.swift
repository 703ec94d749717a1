import Foundation

/// The proxy settings of an environment, resolved the way curl's command line does,
/// with one deliberate exception (below).
///
/// `CurlHTTPClient` always sets `CURLOPT_PROXY` and `CURLOPT_NOPROXY` from these
/// values, even to "" (direct, nothing excluded): libcurl would otherwise read the
/// process environment itself, and the environment given to the client (a test's, or a
/// sanitised one) must be the only one that counts.
///
/// The proxy is chosen for the request URL's scheme; a redirect to another scheme keeps
/// it (libcurl does not re-resolve an explicit proxy).
struct CurlProxyEnvironment: Sendable, Equatable {
    /// Only lowercase `http_proxy`. Uppercase `HTTP_PROXY` is never honoured: CGI
    /// servers put a request's `Proxy:` header in `HTTP_PROXY`, so an attacker could
    /// route our plain-HTTP requests through their proxy ("httpoxy", CVE-2016-5385).
    var httpProxy: String?
    /// `https_proxy`, else `HTTPS_PROXY`.
    var httpsProxy: String?
    /// `all_proxy`, else `ALL_PROXY`: for a scheme without its own variable.
    var allProxy: String?
    /// `no_proxy`, else `NO_PROXY`: comma-separated hosts and domains reached directly.
    var noProxy: String?

    init(_ environment: [String: String]) {
        func value(_ names: String...) -> String? {
            for name in names {
                if let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
            }
            return nil
        }
        httpProxy = value("http_proxy")
        httpsProxy = value("https_proxy", "HTTPS_PROXY")
        allProxy = value("all_proxy", "ALL_PROXY")
        noProxy = value("no_proxy", "NO_PROXY")
    }

    /// The proxy for `url`, or "" to connect directly.
    func proxy(for url: String) -> String {
        let scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        switch scheme {
        case "http": return httpProxy ?? allProxy ?? ""
        case "https": return httpsProxy ?? allProxy ?? ""
        default: return allProxy ?? ""
        }
    }
}
