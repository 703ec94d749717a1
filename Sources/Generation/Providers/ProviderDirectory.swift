import Foundation

/// Builds the providers that have keys in the environment; the rest of the catalog
/// is played by the mocks.
public enum ProviderDirectory {
    public static let environmentNames = [
        "REPLICATE_API_TOKEN", "REPLICATE_BASE_URL", "FAL_KEY", "FAL_QUEUE_BASE_URL",
        "GEMINI_API_KEY", "GEMINI_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL",
    ]

    /// The real providers whose keys are set.
    public static func providers(environment: [String: String], client: any HTTPClient,
                                 uploadCache: any UploadCache) -> GenerationService.Providers {
        // Filled in when the remote providers land.
        GenerationService.Providers()
    }

    /// The providers that run when no key is set: free, offline, deterministic.
    public static func mocks() -> GenerationService.Providers {
        GenerationService.Providers(video: ["mock": MockVideoProvider()], image: ["mock": MockImageProvider()],
                                    scenes: ["mock": MockScenePlanner()])
    }
}
