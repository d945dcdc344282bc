// swift-tools-version:6.1
import PackageDescription

// Dependencies point one way: tally → TallyServer → TallyAnalytics → TallyQuery → TallyStorage → CLZ4.
let package = Package(
    name: "Tally",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tally", targets: ["tally"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
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
            name: "TallyGen",
            dependencies: ["TallyStorage"]
        ),
        .executableTarget(
            name: "tally",
            dependencies: [
                "TallyStorage", "TallyQuery", "TallyAnalytics", "TallyGen",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TallyStorageTests", dependencies: ["TallyStorage"]),
        .testTarget(name: "TallyQueryTests", dependencies: ["TallyQuery", "TallyStorage"]),
        .testTarget(name: "TallyGenTests", dependencies: ["TallyGen", "TallyStorage"]),
    ]
)
