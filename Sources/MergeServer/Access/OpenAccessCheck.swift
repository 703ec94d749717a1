import Foundation
import Logging

/// Start-up rule for a server without API keys: its API is open, so it may listen
/// only on a loopback address, where only local callers reach it. Elsewhere it refuses
/// to start unless the operator insists (`--insecure-no-auth`), and is warned each time.
public enum OpenAccessCheck {
    public static func check(host: String, keysExist: Bool, insecureNoAuth: Bool, logger: Logger) throws(ConfigurationError) {
        if keysExist { return }
        if isLoopback(host) {
            logger.notice("no API keys: open to local callers only; make one with `merge-server keys create`")
            return
        }
        guard insecureNoAuth else {
            throw ConfigurationError(
                "no API keys exist, so the API would be open to anyone who reaches \(host); create a key first "
                    + "(`merge-server keys create --name NAME`), listen on 127.0.0.1, or pass --insecure-no-auth")
        }
        logger.warning("no API keys and --insecure-no-auth: the API is open to anyone who reaches \(host)")
    }

    /// `localhost`, `127.0.0.0/8` and `::1`. The wildcard addresses (`0.0.0.0`, `::`) are not.
    public static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if name == "localhost" || name == "::1" { return true }
        var v4 = in_addr()
        guard inet_pton(AF_INET, name, &v4) == 1 else { return false }
        return UInt32(bigEndian: v4.s_addr) >> 24 == 127
    }
}
