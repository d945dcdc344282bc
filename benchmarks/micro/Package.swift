// swift-tools-version:6.1
import PackageDescription

// Micro-benchmarks of Tally's kernels with ordo-one/benchmark, kept out of the main package so
// its build and CI stay unaffected. `TallyRoot` is a symlink to the repository root, so the
// dependency has the same identity in every checkout.
let package = Package(
    name: "TallyMicro",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "TallyRoot"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Kernels",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TallyEngine", package: "TallyRoot"),
            ],
            path: "Benchmarks/Kernels",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
