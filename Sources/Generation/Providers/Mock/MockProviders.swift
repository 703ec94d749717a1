import Media

extension ProviderDirectory {
    /// The providers that run when no key is set: free, offline, deterministic. Their
    /// clips and pictures are made on `executor`.
    public static func mocks(on executor: MediaExecutor) -> GenerationService.Providers {
        GenerationService.Providers(
            video: ["mock": MockVideoProvider(executor: executor)],
            image: ["mock": MockImageProvider(executor: executor)],
            scenes: ["mock": MockScenePlanner()])
    }
}
