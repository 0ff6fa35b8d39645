// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Docket",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "docket", targets: ["docket"]),
        .executable(name: "docket-bench", targets: ["docket-bench"]),
        .library(name: "DocketCore", targets: ["DocketCore"]),
        .library(name: "DocketStore", targets: ["DocketStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // The team store.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Only the tests use it: a real validator for the sandbox's /openapi.json.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit", from: "6.4.0"),
    ],
    targets: [
        .target(
            name: "DocketCore",
            dependencies: ["CZlib", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "DocketStore",
            dependencies: [
                "DocketCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        .target(
            name: "DocketPostgres",
            dependencies: [
                "DocketCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "DocketHTTP",
            dependencies: ["DocketCore", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: strict),
        .target(
            name: "DocketSandbox",
            dependencies: [
                "DocketCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Each API's request schema, written from its vendor's field
            // table: served in /openapi.json and checked against in tests.
            resources: [.copy("Schemas")],
            swiftSettings: strict),
        .target(
            name: "DocketConfig",
            dependencies: ["DocketCore", "DocketTUI", "DocketThemes", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strict),
        // The console's theme files, shipped beside the binary as resources.
        .target(
            name: "DocketThemes",
            path: "themes",
            resources: [.copy("default.toml"), .copy("light.toml"), .copy("high-contrast.toml"), .copy("mono.toml")],
            swiftSettings: strict),
        .target(
            name: "DocketTUI",
            dependencies: ["DocketCore"],
            swiftSettings: strict),
        // Request and response bodies are stored compressed.
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CNCurses",
            providers: [.apt(["libncursesw5-dev"])]),
        // A crash handler that ends ncurses first: C, since a signal handler
        // must not run Swift.
        .target(name: "CCrashRestore", dependencies: ["CNCurses"]),
        // mallopt(M_ARENA_MAX) for the docket binary: glibc's header is not
        // in Swift's Glibc module.
        .target(name: "CMallocArenas"),
        .target(
            name: "DocketTerminal",
            dependencies: ["CNCurses", "CCrashRestore", "DocketTUI"],
            swiftSettings: strict),
        .executableTarget(
            name: "docket",
            dependencies: [
                "DocketCore", "DocketStore", "DocketPostgres", "DocketConfig", "DocketTUI", "DocketTerminal", "DocketHTTP", "DocketSandbox",
                "CMallocArenas",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "docket-bench",
            dependencies: ["DocketCore", "DocketStore", "DocketPostgres", "DocketHTTP", "DocketSandbox", "DocketTUI"],
            path: "Benchmarks/docket-bench",
            swiftSettings: strict),
        // Test helpers every test target shares.
        .target(
            name: "DocketTestSupport",
            path: "Tests/DocketTestSupport",
            swiftSettings: strict),
        .testTarget(
            name: "DocketCoreTests",
            dependencies: ["DocketTestSupport", "DocketCore", "DocketConfig"],
            swiftSettings: strict),
        .testTarget(
            name: "DocketStoreTests",
            dependencies: ["DocketTestSupport", "DocketCore", "DocketStore", "DocketPostgres", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "DocketTUITests",
            dependencies: ["DocketTestSupport", "DocketCore", "DocketStore", "DocketTUI"],
            exclude: ["Snapshots"],
            swiftSettings: strict),
        .testTarget(
            name: "DocketSandboxTests",
            dependencies: [
                "DocketTestSupport", "DocketCore", "DocketStore", "DocketHTTP", "DocketSandbox",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "DocketCLITests",
            dependencies: ["DocketTestSupport", "DocketCore", "DocketStore", "DocketPostgres", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
    ]
)
