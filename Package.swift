// swift-tools-version:6.0
import PackageDescription

let ffmpegProviders: [SystemPackageProvider] = [
    .apt(["libavformat-dev", "libavcodec-dev", "libavfilter-dev", "libavutil-dev",
          "libswresample-dev", "libswscale-dev"]),
]

let package = Package(
    name: "MergeServer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "merge-server", targets: ["merge-server"]),
        .library(name: "Media", targets: ["Media"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C: system libraries plus a shim of what Swift cannot import (macros, variadics).
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat", providers: ffmpegProviders),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // Media: Swift over FFmpeg. Knows nothing of HTTP or jobs.
        .target(name: "Media", dependencies: ["CFFmpeg"]),
        // Generation: providers and the libcurl HTTP client.
        .target(name: "Generation", dependencies: ["CCurl", "Media"]),
        // MergeServer: the service and the command line's logic.
        .target(name: "MergeServer", dependencies: [
            "Media", "Generation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The executable only holds `main`.
        .executableTarget(name: "merge-server", dependencies: ["MergeServer"]),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MediaTests", dependencies: ["Media", "TestSupport"]),
        .testTarget(name: "GenerationTests", dependencies: ["Generation", "TestSupport"]),
        .testTarget(name: "MergeServerTests", dependencies: ["MergeServer", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
