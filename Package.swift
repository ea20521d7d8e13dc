// swift-tools-version:6.2
import PackageDescription

// Explicit `any` and explicit imports, as Hummingbird and GRDB do.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "backroom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "backroom", targets: ["backroom"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "BackroomCore",
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomWire",
            dependencies: ["BackroomCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomStore",
            dependencies: [
                "BackroomCore", "BackroomWire",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomPostgres",
            dependencies: [
                "BackroomCore", "BackroomWire",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomServices",
            dependencies: [
                "BackroomCore",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomTransfer",
            dependencies: [
                "BackroomCore", "BackroomServices",
                .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomBenchmarks",
            dependencies: [
                "BackroomCore", "BackroomStore", "BackroomPostgres", "BackroomServices", "BackroomTelemetry", "BackroomConsole", "TerminalKit",
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "backroom",
            dependencies: [
                "BackroomCore",
                "BackroomStore",
                "BackroomPostgres",
                "BackroomServices",
                "BackroomBenchmarks",
                "BackroomTelemetry",
                "BackroomHTTP",
                "BackroomConsole",
                "BackroomLoad",
                "BackroomApp",
                "BackroomTransfer",
                "TerminalKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomTelemetry",
            dependencies: [
                "BackroomCore",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomHTTP",
            dependencies: [
                "BackroomCore", "BackroomServices", "BackroomTelemetry", "BackroomWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: strictSettings
        ),
        .systemLibrary(
            name: "CNcurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(
            name: "TerminalKit",
            dependencies: [
                "CNcurses",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomConsole",
            dependencies: ["BackroomCore", "BackroomServices", "BackroomTelemetry", "BackroomTransfer", "TerminalKit"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomLoad",
            dependencies: [
                "BackroomCore", "BackroomTelemetry",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomApp",
            dependencies: [
                "BackroomCore", "BackroomStore", "BackroomPostgres", "BackroomServices", "BackroomTelemetry", "BackroomHTTP",
                "BackroomConsole", "BackroomLoad", "TerminalKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomTestSupport",
            dependencies: [
                "BackroomCore", "BackroomStore", "BackroomPostgres", "BackroomServices",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/Support",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BackroomCoreTests",
            dependencies: ["BackroomCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BackroomStoreTests",
            dependencies: [
                "BackroomCore", "BackroomStore", "BackroomPostgres", "BackroomServices", "BackroomTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BackroomPostgresTests",
            dependencies: [
                "BackroomCore", "BackroomPostgres", "BackroomServices", "BackroomStore", "BackroomTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BackroomServicesTests",
            dependencies: [
                "BackroomCore", "BackroomStore", "BackroomServices", "BackroomTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
            .testTarget(
            name: "BackroomTelemetryTests",
            dependencies: ["BackroomCore", "BackroomTelemetry"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BackroomHTTPTests",
            dependencies: [
                "BackroomCore", "BackroomStore", "BackroomServices", "BackroomTelemetry", "BackroomHTTP", "BackroomTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
            .testTarget(
            name: "BackroomConsoleTests",
            dependencies: [
                "BackroomCore", "BackroomStore", "BackroomServices", "BackroomTelemetry", "BackroomConsole", "TerminalKit",
                "BackroomTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
            .testTarget(
            name: "BackroomEndToEndTests",
            dependencies: [
                "BackroomCore", "BackroomStore", "BackroomServices", "TerminalKit", "BackroomTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
            .testTarget(
            name: "BackroomAppTests",
            dependencies: [
                "BackroomCore", "BackroomServices", "BackroomTelemetry", "BackroomHTTP", "BackroomConsole", "BackroomLoad",
                "BackroomApp", "BackroomStore", "TerminalKit", "BackroomTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BackroomTransferTests",
            dependencies: [
                "BackroomCore", "BackroomStore", "BackroomServices", "BackroomTransfer", "BackroomTestSupport",
            ],
            swiftSettings: strictSettings
        ),
    ]
)
