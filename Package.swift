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
    ],
    targets: [
        .target(
            name: "BackroomCore",
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomStore",
            dependencies: [
                "BackroomCore",
                .product(name: "GRDB", package: "GRDB.swift"),
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
            name: "BackroomBenchmarks",
            dependencies: [
                "BackroomCore", "BackroomStore", "BackroomServices",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "backroom",
            dependencies: [
                "BackroomCore",
                "BackroomStore",
                "BackroomServices",
                "BackroomBenchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "BackroomTestSupport",
            dependencies: [
                "BackroomCore", "BackroomStore", "BackroomServices",
                .product(name: "GRDB", package: "GRDB.swift"),
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
                "BackroomCore", "BackroomStore", "BackroomServices", "BackroomTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
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
    ]
)
