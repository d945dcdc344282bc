// swift-tools-version:6.1
import Foundation
import PackageDescription

// libFuzzer targets for Tally. Kept out of the root package so `swift build`/`swift test` there never
// build them; see docs/RELIABILITY.md for the commands. Each target is a thin LLVMFuzzerTestOneInput
// wrapper around an entry point in the root package that the test suite replays over fuzz/corpus/.
//
// A path dependency's identity is its directory name, which differs between checkouts (main,
// worktrees), so it is read from where this manifest lives.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()
let tally = Target.Dependency.product(name: "TallyFuzzing", package: rootIdentity)

let package = Package(
    name: "TallyFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: root.path)],
    targets: [
        .target(name: "FuzzReplay"),
        .executableTarget(name: "fuzz-sql", dependencies: [tally, "FuzzReplay"]),
        .executableTarget(name: "fuzz-request", dependencies: [tally, "FuzzReplay"]),
        .executableTarget(name: "fuzz-wal", dependencies: [tally, "FuzzReplay"]),
        .executableTarget(name: "fuzz-segment", dependencies: [tally, "FuzzReplay"]),
    ]
)
