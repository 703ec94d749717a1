/// The model catalog shipped with the server. `MERGE_SERVER_MODELS=FILE.yaml` adds
/// models or replaces them by id (same format). Prices are the providers' list prices
/// in USD at the time of writing; they are estimates, and the catalog is where to fix them.
enum BuiltInCatalog {
    static let yaml = """
    # Which model runs when a request names none: the first whose provider has a key,
    # else the first, played by the mock provider.
    default_models:
      video: [kling-v2.1, fal-kling-2.1, gemini-veo-3.1, veo-3.1]
      image: [imagen-4]
      scenes: [gemini-2.5-flash, gpt-4o-mini]

    models:
      - id: kling-v2.1
        provider: replicate
        path: kwaivgi/kling-v2.1
        kind: video
        description: Kling 2.1 image-to-video (standard 720p, pro 1080p)
        durations: [5, 10]
        aspect_ratios: ["16:9", "9:16", "1:1"]
        resolutions: [720p, 1080p]
        requires_image: true
        price: {per_second: 0.05}
        defaults: {mode: standard}
      - id: hailuo-02
        provider: replicate
        path: minimax/hailuo-02
        kind: video
        description: MiniMax Hailuo 02, text or first frame to video
        durations: [6, 10]
        aspect_ratios: ["16:9"]
        resolutions: [512p, 768p, 1080p]
        price: {per_second: 0.045}
        defaults: {prompt_optimizer: false}
      - id: veo-3.1
        provider: replicate
        path: google/veo-3.1
        kind: video
        description: Google Veo 3.1 through Replicate, with generated audio
        durations: [4, 6, 8]
        aspect_ratios: ["16:9", "9:16"]
        resolutions: [720p, 1080p]
        price: {per_second: 0.40}
      - id: imagen-4
        provider: replicate
        path: google/imagen-4
        kind: image
        description: Google Imagen 4 through Replicate
        aspect_ratios: ["1:1", "9:16", "16:9", "3:4", "4:3"]
        price: {per_image: 0.04}
        defaults: {output_format: png}
      - id: fal-kling-2.1
        provider: fal
        path: fal-ai/kling-video/v2.1/standard/image-to-video
        kind: video
        description: Kling 2.1 standard image-to-video on FAL
        durations: [5, 10]
        aspect_ratios: ["16:9", "9:16", "1:1"]
        resolutions: [720p]
        requires_image: true
        price: {per_second: 0.056}
      - id: fal-kling-2.1-pro
        provider: fal
        path: fal-ai/kling-video/v2.1/pro/image-to-video
        kind: video
        description: Kling 2.1 pro image-to-video on FAL
        durations: [5, 10]
        aspect_ratios: ["16:9", "9:16", "1:1"]
        resolutions: [1080p]
        requires_image: true
        price: {per_second: 0.098}
      - id: fal-hailuo-02
        provider: fal
        path: fal-ai/minimax/hailuo-02/standard/image-to-video
        kind: video
        description: MiniMax Hailuo 02 standard image-to-video on FAL
        durations: [6, 10]
        aspect_ratios: ["16:9"]
        resolutions: [512p, 768p]
        requires_image: true
        price: {per_second: 0.045}
      - id: gemini-veo-3.1
        provider: gemini
        path: veo-3.1-generate-preview
        kind: video
        description: Google Veo 3.1 through the Gemini API
        durations: [4, 6, 8]
        aspect_ratios: ["16:9", "9:16"]
        resolutions: [720p, 1080p]
        price: {per_second: 0.40}
      - id: gemini-2.5-flash
        provider: gemini
        path: gemini-2.5-flash
        kind: scenes
        description: Scene planning with Gemini 2.5 Flash (JSON schema output)
        price: {per_1k_tokens: 0.0025}
      - id: gpt-4o-mini
        provider: openai
        path: gpt-4o-mini
        kind: scenes
        description: Scene planning with any OpenAI-compatible chat server (OPENAI_BASE_URL)
        price: {per_1k_tokens: 0.0006}
      - id: mock-video
        provider: mock
        path: mock
        kind: video
        description: Test-pattern clips synthesized locally, the prompt drawn on the frames; free
        aspect_ratios: ["16:9", "9:16", "1:1", "4:3", "3:4"]
        resolutions: [512p, 720p, 768p, 1080p]
      - id: mock-image
        provider: mock
        path: mock
        kind: image
        description: A PNG drawn locally from the prompt; free
        aspect_ratios: ["1:1", "9:16", "16:9", "3:4", "4:3"]
      - id: mock-scenes
        provider: mock
        path: mock
        kind: scenes
        description: Scenes written deterministically from the idea; free
    """
}
