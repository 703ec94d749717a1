import Foundation
import Generation
import Hummingbird
import HummingbirdTesting
import MergeServer
import TestSupport
import Testing

/// `generate_video` without `model`, end to end in mock mode (no provider keys): a prompt
/// alone runs a text-to-video model, a prompt and a start image an image-to-video one.
/// (MockReferenceImageTests checks that the mock clip shows the image.)
@Suite struct DefaultVideoModelEndpointTests {
    @Test func aPromptAloneRunsTextToVideoAndAnImageRunsImageToVideo() async throws {
        let server = try await TestServer.make(workers: 1)
        try await server.test { client in
            let catalog = try await client.getJSON("/api/models?kind=video").body["models"] as? [[String: Any]] ?? []
            func inputs(_ id: Any?) -> [String] {
                catalog.first { $0["id"] as? String == id as? String }?["inputs"] as? [String] ?? []
            }

            let prompt = try await client.postJSON(
                "/api/mv/generate_video?wait=100", #"{"prompt": "a paper boat drifts down a rainy street", "resolution": "512p"}"#)
            #expect(prompt.status == .ok, "\(prompt.body)")
            #expect(prompt.body["status"] as? String == "succeeded", "\(prompt.body)")
            let fromText = try #require(prompt.body["result"] as? [String: Any])
            #expect(fromText["is_mock"] as? Bool == true)
            #expect(fromText["model"] as? String == "hailuo-02")
            #expect(inputs(fromText["model"]).contains("text"), "a text-to-video model: \(inputs(fromText["model"]))")
            let textVideo = try await server.videoFile(try #require(fromText["video_id"] as? String))
            #expect(try Oracle.probe(textVideo).video?.height == 512)

            let reference = try await client.postJSON(
                "/api/mv/generate_character_reference?wait=100", #"{"prompt": "a small robot with round eyes", "aspect_ratio": "16:9"}"#)
            let image = try #require((reference.body["result"] as? [String: Any])?["asset_id"] as? String, "\(reference.body)")
            let started = try await client.postJSON(
                "/api/mv/generate_video?wait=100", #"{"prompt": "the robot waves", "image": "\#(image)", "duration": 5}"#)
            #expect(started.status == .ok, "\(started.body)")
            let fromImage = try #require(started.body["result"] as? [String: Any], "\(started.body)")
            #expect(fromImage["model"] as? String == "kling-v2.1")
            #expect(inputs(fromImage["model"]) == ["image"], "an image-to-video model")
            let imageVideo = try await server.videoFile(try #require(fromImage["video_id"] as? String))
            #expect(abs((Double(try Oracle.probe(imageVideo).format.duration ?? "") ?? 0) - 5) < 0.05)

            // A text-to-video model named with an image, and an image-to-video one without: 422 on `image`.
            let refused = try await client.postJSON(
                "/api/mv/generate_video", #"{"prompt": "x", "model": "fal-hailuo-02-text", "image": "\#(image)"}"#)
            #expect(refused.status == .unprocessableContent)
            let errors = refused.body["errors"] as? [[String: Any]] ?? []
            #expect(errors.compactMap { $0["field"] as? String } == ["image"], "\(errors)")
            #expect(String(describing: errors).contains("text-to-video"))
            let needsImage = try await client.postJSON("/api/mv/generate_video", #"{"prompt": "x", "model": "kling-v2.1"}"#)
            #expect(needsImage.status == .unprocessableContent)
            #expect(String(describing: needsImage.body["errors"]).contains("image-to-video"))
        }
    }
}
