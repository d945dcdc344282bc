// swift-tools-version:6.1
import PackageDescription

// Dependencies point one way: tally → TallyServer → TallyAnalytics → TallyQuery → TallyStorage → CLZ4.
let package = Package(
    name: "Tally",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tally", targets: ["tally"]),
        // For benchmarks/micro (a separate package), which measures the engine's kernels.
        .library(name: "TallyEngine", targets: ["TallyStorage", "TallyQuery"]),
        // For the libFuzzer package in fuzz/, which depends on this one by path.
        .library(name: "TallyFuzzing", targets: ["TallyStorage", "TallyQuery", "TallyAnalytics", "TallyServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(
            name: "CTallyKernels",
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        .target(
            name: "TallyStorage",
            dependencies: ["CLZ4", "CTallyKernels"]
        ),
        .target(
            name: "TallyQuery",
            dependencies: ["TallyStorage"]
        ),
        .target(
            name: "TallyAnalytics",
            dependencies: ["TallyQuery"],
            resources: [.embedInCode("Resources/schema.sql")]
        ),
        .target(
            name: "TallyServer",
            dependencies: [
                "TallyAnalytics", "TallyQuery", "TallyStorage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        .target(
            name: "TallyGen",
            dependencies: ["TallyStorage"]
        ),
        .target(
            name: "TallyREPL",
            dependencies: ["TallyQuery", "CEditLine"]
        ),
        .target(
            name: "TallyBench",
            dependencies: [
                "TallyServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "tally",
            dependencies: [
                "TallyStorage", "TallyQuery", "TallyAnalytics", "TallyGen", "TallyServer", "CEditLine",
                "TallyREPL", "TallyBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TallyStorageTests", dependencies: ["TallyStorage"]),
        .testTarget(name: "TallyQueryTests", dependencies: ["TallyQuery", "TallyStorage", "TallyAnalytics"]),
        .testTarget(name: "TallyGenTests", dependencies: ["TallyGen", "TallyStorage"]),
        .testTarget(name: "TallyServerTests", dependencies: ["TallyServer", "TallyQuery", "TallyStorage",
                                                             .product(name: "NIOCore", package: "swift-nio"),
                                                             .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "TallyAnalyticsTests", dependencies: ["TallyAnalytics", "TallyQuery", "TallyStorage", "TallyGen"]),
        .testTarget(name: "TallyBenchTests", dependencies: ["TallyBench", "TallyServer", "TallyQuery", "TallyStorage"]),
        .testTarget(name: "TallyFuzzTests", dependencies: ["TallyServer", "TallyAnalytics", "TallyQuery", "TallyStorage"]),
        .testTarget(name: "TallyCLITests", dependencies: ["TallyQuery", "TallyStorage", "TallyREPL"], exclude: ["Fixtures"]),
    ]
)
