extension String {
    /// A base URL as given ("https://host/v1/") without trailing slashes, so paths join with one.
    var trimmingTrailingSlashes: String {
        var text = self
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
