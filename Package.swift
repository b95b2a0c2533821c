// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "syndicate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "syndicate", targets: ["syndicate"]),
        .library(name: "PipelineCore", targets: ["PipelineCore"]),
        .library(name: "Plugins", targets: ["Plugins"]),
        .library(name: "SyndicateCLI", targets: ["SyndicateCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "PipelineCore",
            dependencies: [
                "CZlib",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: releaseSettings
        ),
        .target(
            name: "Plugins",
            dependencies: [
                "PipelineCore", "CLibXML2",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                // Dedupe's scratch database (SQLite through the state store's statements).
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Stages/Normalize/Resources"), .copy("Stages/Enrich/Skills")],
            swiftSettings: releaseSettings
        ),
        .target(
            name: "SyndicateCLI",
            dependencies: [
                "PipelineCore",
                "Plugins",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "syndicate",
            dependencies: ["SyndicateCLI", "Plugins"]
        ),
        // The tests' scratch folders, removed when the test process exits.
        .target(name: "TestScratch", path: "Tests/TestScratch"),
        .testTarget(
            name: "PipelineCoreTests",
            dependencies: ["PipelineCore", "TestScratch", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .testTarget(
            name: "PluginsTests",
            dependencies: [
                "PipelineCore", "Plugins", "TestScratch",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["PipelineCore", "TestScratch"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Swift checks at run time that no two accesses to a class property overlap. The SAX parser's
// callbacks and the stores' loops touch class state for every element and posting, and those
// checks (with the thread-local lookups they make) were 6% of an XML feed's reading time in
// perf. Release builds skip them; debug builds, and so the tests, keep them.
var releaseSettings: [SwiftSetting] {
    [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
}
