extension Duration {
    /// The duration in seconds, fractions included (Generation's own, so that it needs
    /// nothing of Media outside the mock providers).
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
