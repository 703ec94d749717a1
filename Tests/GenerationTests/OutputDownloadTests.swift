import Foundation
import TestSupport
import Testing

@testable import Generation

/// Provider outputs: redirects lead to https only (http ones only for an http output
/// on the provider's own, operator-configured host), and a key goes to no other host.
@Suite struct OutputDownloadTests {
    private func downloader(baseURL: String) -> OutputDownloader {
        OutputDownloader(provider: "test", baseURL: baseURL, client: ProviderTests.client, retry: RetryPolicy(maxAttempts: 1))
    }

    @Test func anHTTPRedirectIsFollowedOnlyOnTheProvidersOwnHTTPHost() async throws {
        let target = GuardedFetchTests.Target()
        let directory = try TemporaryDirectory()
        try await target.run { port in
            let context = GenerationContext(workDirectory: directory.path)
            let output = "http://127.0.0.1:\(port)/hops/1"
            let file = try await downloader(baseURL: "http://127.0.0.1:\(port)/v1/").download(output, context: context)
            #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "content")
            #expect(target.count("/file") == 1)

            // The same http output from a provider elsewhere: its plain-http redirect is not taken.
            let error = await #expect(throws: ProviderError.self) {
                try await downloader(baseURL: "https://api.provider.example/v1").download(output, context: context)
            }
            #expect(error?.kind == .badResponse, "\(String(describing: error))")
            #expect(error?.message.contains("https only") == true)
            #expect(target.count("/hops") == 2)
            #expect(target.count("/file") == 1)
        }
    }

    @Test func redirectsOfAnOutputAreLimited() async throws {
        let target = GuardedFetchTests.Target()
        let directory = try TemporaryDirectory()
        try await target.run { port in
            let own = downloader(baseURL: "http://127.0.0.1:\(port)")
            let error = await #expect(throws: ProviderError.self) {
                try await own.download(
                    "http://127.0.0.1:\(port)/hops/\(own.maxRedirects + 1)", context: GenerationContext(workDirectory: directory.path))
            }
            #expect(error?.message.contains("redirected more than") == true)
            #expect(target.count("/file") == 0)
        }
    }

    @Test func providerHostsCompareByHostOnly() {
        let own = downloader(baseURL: "https://Generativelanguage.googleapis.com/v1beta")
        #expect(own.isProviderHost("https://generativelanguage.googleapis.com/v1beta/files/a:download?alt=media"))
        #expect(!own.isProviderHost("https://storage.googleapis.com/bucket/a.mp4"))
        #expect(!own.isProviderHost("https://generativelanguage.googleapis.com.evil.example/a"))
        #expect(!own.isProviderHost("https://evil.example/?https://generativelanguage.googleapis.com/"))
        #expect(!downloader(baseURL: "not a url").isProviderHost("not a url"))
    }

    /// A Veo sample on another host than Gemini's API is fetched without the key.
    @Test func veoSendsItsKeyOnlyToItsOwnHost() async throws {
        let directory = try TemporaryDirectory()
        try await FakeGeminiServer.run { fake, base in
            // The API is reached as "localhost"; the sample is named by 127.0.0.1, another host.
            let renamed = base.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            let sample = base + "/files/abc123:download?alt=media"
            await fake.script(
                .poll,
                .json([
                    "name": .string(FakeGeminiServer.operation), "done": true,
                    "response": [
                        "generateVideoResponse": ["generatedSamples": [["video": ["uri": .string(sample)]]]]
                    ],
                ]))
            let veo = VeoProvider(
                apiKey: "test-key", baseURL: renamed, client: ProviderTests.client, retry: ProviderTests.retry,
                pollInterval: .milliseconds(5))
            let request = VideoGenerationRequest(prompt: "a fox", model: GeminiProviderTests.veo, duration: 8, aspectRatio: "16:9")
            await #expect(throws: ProviderError.self) {
                try await veo.generateVideo(request, context: GenerationContext(workDirectory: directory.path))
            }
            let downloads = await fake.requests(.download)
            #expect(!downloads.isEmpty)
            #expect(downloads.allSatisfy { !$0.query.contains("key=") && $0.headers["x-goog-api-key"] == nil })
            #expect(await fake.requests(.predict).first?.headers["x-goog-api-key"] == "test-key")
        }
    }
}
