import Foundation

/// Builds the providers that have keys in the environment; the rest of the catalog
/// is played by the mocks.
public enum ProviderDirectory {
    public static let environmentNames = [
        "REPLICATE_API_TOKEN", "REPLICATE_BASE_URL", "FAL_KEY", "FAL_QUEUE_BASE_URL",
        "GEMINI_API_KEY", "GEMINI_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL",
    ]

    /// The real providers whose keys are set.
    public static func providers(
        environment: [String: String], client: any HTTPClient,
        uploadCache: any UploadCache
    ) -> GenerationService.Providers {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        var providers = GenerationService.Providers()
        if let token = value("REPLICATE_API_TOKEN") {
            let replicate = ReplicateProvider(
                apiKey: token, baseURL: value("REPLICATE_BASE_URL") ?? ReplicateProvider.defaultBaseURL,
                client: client, uploadCache: uploadCache)
            providers.video[ReplicateProvider.name] = replicate
            providers.image[ReplicateProvider.name] = replicate
        }
        if let key = value("FAL_KEY") {
            providers.video[FALProvider.name] = FALProvider(
                apiKey: key, baseURL: value("FAL_QUEUE_BASE_URL") ?? FALProvider.defaultBaseURL,
                client: client)
        }
        if let key = value("GEMINI_API_KEY") {
            let baseURL = value("GEMINI_BASE_URL")  // Veo and the scene planner share Gemini's API
            providers.video[VeoProvider.name] = VeoProvider(apiKey: key, baseURL: baseURL ?? VeoProvider.defaultBaseURL, client: client)
            providers.scenes[GeminiScenePlanner.name] = GeminiScenePlanner(
                apiKey: key, baseURL: baseURL ?? GeminiScenePlanner.defaultBaseURL, client: client)
        }
        if let key = value("OPENAI_API_KEY") {
            providers.scenes[OpenAIScenePlanner.name] = OpenAIScenePlanner(
                apiKey: key, baseURL: value("OPENAI_BASE_URL") ?? OpenAIScenePlanner.defaultBaseURL, client: client)
        }
        return providers
    }
}
