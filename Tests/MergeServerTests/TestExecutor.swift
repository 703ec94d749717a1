import Media

extension MediaExecutor {
    /// One executor for the suite's Media work, as the server sizes its own.
    static let tests = MediaExecutor(name: "test", width: 4)
}
