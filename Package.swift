// swift-tools-version:6.0
import PackageDescription

let ffmpegProviders: [SystemPackageProvider] = [
    .apt(["libavformat-dev", "libavcodec-dev", "libavfilter-dev", "libavutil-dev",
          "libswresample-dev", "libswscale-dev"]),
]

let package = Package(
    name: "MergeServer",
    // Synchronization's Mutex and Atomic need macOS 15.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "merge-server", targets: ["merge-server"]),
        .library(name: "Media", targets: ["Media"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C: system libraries plus a shim of what Swift cannot import (macros, variadics).
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat", providers: ffmpegProviders),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CFontconfig", pkgConfig: "fontconfig", providers: [.apt(["libfontconfig-dev"])]),

        // Media: Swift over FFmpeg. Knows nothing of HTTP or jobs.
        .target(name: "Media", dependencies: ["CFFmpeg", "CFontconfig"], resources: [.copy("Audio/Resources/beatnet.bin")]),
        // Generation: providers and the libcurl HTTP client.
        .target(name: "Generation", dependencies: [
            "CCurl", "Media",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Yams", package: "Yams"),
        ], resources: [.embedInCode("Resources/models.yaml")]),
        // MergeServer: the service (routes, jobs, store).
        .target(name: "MergeServer", dependencies: [
            "Media", "Generation", "CCurl",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "_NIOFileSystem", package: "swift-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], resources: [
            .embedInCode("Resources/openapi.yaml"),
            // The web studio (Sources/MergeServer/Studio/StudioFiles.swift lists them too).
            .embedInCode("Resources/studio/index.html"),
            .embedInCode("Resources/studio/studio.css"),
            .embedInCode("Resources/studio/main.js"),
            .embedInCode("Resources/studio/api.js"),
            .embedInCode("Resources/studio/dom.js"),
            .embedInCode("Resources/studio/signin.js"),
            .embedInCode("Resources/studio/upload.js"),
            .embedInCode("Resources/studio/timeline.js"),
            .embedInCode("Resources/studio/editor.js"),
            .embedInCode("Resources/studio/waveform.js"),
            .embedInCode("Resources/studio/jobs.js"),
            .embedInCode("Resources/studio/player.js"),
            .embedInCode("Resources/studio/generate.js"),
            .embedInCode("Resources/studio/favicon.svg"),
        ]),
        // The command line: `serve` runs the service; `render`, `mock`, `beats` and `probe` call Media.
        .executableTarget(name: "merge-server", dependencies: [
            "MergeServer", "Media",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // bench/api.sh's baseline: a bare Hummingbird server.
        .executableTarget(name: "bench-hello-server", dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
                          path: "bench/HelloServer"),
        // bench/queue.sh: the queue's throughput and pickup latency on SQLite and PostgreSQL.
        .executableTarget(name: "bench-queue", dependencies: [
            "MergeServer", "Media", .product(name: "Logging", package: "swift-log"),
        ], path: "bench/QueueBench"),

        .target(name: "TestSupport", dependencies: ["Media"], path: "Tests/TestSupport"),
        .testTarget(name: "MediaTests", dependencies: ["Media", "TestSupport"]),
        .testTarget(name: "GenerationTests", dependencies: [
            "Generation", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "MergeServerTests", dependencies: [
            "MergeServer", "TestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Yams", package: "Yams"),
            // Signatures in the tests (webhooks, signed links) are made with plain HMAC, independently of the server's code.
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
