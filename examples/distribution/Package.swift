// swift-tools-version:6.0
// A distribution of syndicate with a plugin of its own: it depends on syndicate's libraries,
// registers its plugin types, and calls the command line's entry point. Build and run it with
//
//   swift build --package-path examples/distribution
//   examples/distribution/.build/debug/syndicate-acme plugins
//
// Outside this repository, depend on syndicate by URL instead of by path:
//   .package(url: "https://github.com/OWNER/syndicate", from: "0.1.0")
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which depends on where the repository was
// cloned; read it rather than spell it.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
let syndicate = root.lastPathComponent.lowercased()

let package = Package(
    name: "syndicate-acme",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: root.path),
    ],
    targets: [
        .executableTarget(
            name: "syndicate-acme",
            dependencies: [
                .product(name: "SyndicateCLI", package: syndicate),
                .product(name: "PipelineCore", package: syndicate),
                .product(name: "Plugins", package: syndicate),
            ]
        ),
    ]
)
