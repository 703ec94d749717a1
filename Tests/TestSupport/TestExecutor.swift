import Media

extension MediaExecutor {
    /// One executor for the suites' Media work, as the server sizes its own.
    public static let tests = MediaExecutor(name: "test", width: 4)
}
